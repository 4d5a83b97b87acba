/**
 * Which shard a key belongs to and what each shard receives of a master command.
 * {@link io.redisreplica.router.routing.ShardMap} names a key's shard with a
 * {@link io.redisreplica.router.routing.KeyMatcher} per shard (regex, prefix, Redis-Cluster hash
 * slots: {@link io.redisreplica.router.routing.ClusterSlots});
 * {@link io.redisreplica.router.routing.CommandTable} and
 * {@link io.redisreplica.router.routing.KeyPositions} find a command's keys;
 * {@link io.redisreplica.router.routing.CommandRouter} splits each command (and MULTI/EXEC) into
 * the shards' parts, rewrites keys ({@link io.redisreplica.router.routing.ShardKeyRewriter}),
 * applies the value rules ({@link io.redisreplica.router.routing.ValueRules}), journals relative
 * TTLs as absolute times ({@link io.redisreplica.router.routing.AbsoluteTtl}), translates
 * cross-shard commands by reading values from the master
 * ({@link io.redisreplica.router.routing.MasterReader}, which {@code upstream} implements), and
 * hands each part to a {@link io.redisreplica.router.routing.ShardAppender}.
 *
 * <p>Threads: none. A {@code CommandRouter} is driven by the upstream link's thread alone; the
 * admin port reads its counters. Shard maps and matchers are immutable and shared.
 *
 * <p>The bottom of the router: uses only {@code support}.
 */
package io.redisreplica.router.routing;
