/**
 * The router: the shard map that names each key's shard ({@link io.redisreplica.router.routing.ShardMap},
 * by regex, prefix or Redis-Cluster hash slots), and, as it grows, the upstream replica link,
 * command routing and the per-shard virtual masters.
 */
package io.redisreplica.router;
