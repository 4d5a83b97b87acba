/**
 * The config file as values: {@link io.redisreplica.router.config.RouterConfig} parses it (its
 * directives, {@link io.redisreplica.router.config.ConfigWords} for their words) into the shard
 * map, key rewriting and value rules of {@code routing}, the {@code sink} lines
 * ({@link io.redisreplica.router.config.SinkConfig}) and the limits of a listening port
 * ({@link io.redisreplica.router.config.ClientLimits}); {@link io.redisreplica.router.config.Plugins}
 * loads the user code a config line names.
 *
 * <p>Threads: none. A config is built on the caller's thread and read only afterwards; a
 * {@code ClientLimits} counts the connections of one port with atomics, updated by that port's
 * acceptor and connection threads.
 *
 * <p>Uses {@code routing} (the shard map and value rules it builds) and {@code support}; every
 * package above {@code routing} may use it.
 */
package io.redisreplica.router.config;
