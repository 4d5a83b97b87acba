/**
 * Small helpers any router package may use: {@link io.redisreplica.router.support.DistinctErrors}
 * logs each distinct error of a loop once, with its stack, then counts it;
 * {@link io.redisreplica.router.support.SafeText} makes client text safe for replies and logs.
 *
 * <p>Threads: none; {@code DistinctErrors} may be called from any thread. Uses no other router
 * package.
 */
package io.redisreplica.router.support;
