/**
 * Small helpers any router package may use: {@link io.redisreplica.router.support.DistinctErrors}
 * logs each distinct error of a loop once, with its stack, then counts it;
 * {@link io.redisreplica.router.support.Agent} is a loop with a named thread, a {@code start()}
 * and a {@code close()} that joins it; {@link io.redisreplica.router.support.ErrorHandler} is
 * the one error policy every loop reports to (transient: retried and logged once; fatal: the
 * router stops and {@code run} exits non-zero).
 *
 * <p>Threads: each {@code Agent} owns one, named by its subclass; {@code DistinctErrors} and
 * {@code ErrorHandler} may be called from any thread. Uses no other router
 * package.
 */
package io.redisreplica.router.support;
