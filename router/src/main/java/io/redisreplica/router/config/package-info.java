/**
 * The config file as values. {@link io.redisreplica.router.config.ConfigParser} reads it with a
 * table of directives ({@link io.redisreplica.router.config.Directive}: name, words, usage,
 * handler; {@link io.redisreplica.router.config.ConfigWords} for quoting,
 * {@link io.redisreplica.router.config.Units} for sizes and durations,
 * {@link io.redisreplica.router.config.KeyRules} and {@link io.redisreplica.router.config.SinkLine}
 * for shard, drop and sink lines) into an immutable
 * {@link io.redisreplica.router.config.RouterConfig}: the shard map, key rewriting and value rules
 * of {@code routing}, the {@code sink} lines ({@link io.redisreplica.router.config.SinkConfig}) and
 * the limits of a listening port ({@link io.redisreplica.router.config.ClientLimits}). Every error
 * is a {@link io.redisreplica.router.config.ConfigException} naming file, line and reason.
 * {@link io.redisreplica.router.config.Secrets} expands {@code ${ENV}} in each line and reads
 * {@code password-file=PATH}; {@link io.redisreplica.router.config.SecurityLines} reads the TLS
 * and user directives into a {@code tls.TlsSettings} (values only: the files are loaded where
 * the router is wired).
 * {@link io.redisreplica.router.config.Plugins} loads the user code a config line names (and calls
 * its {@code open}): a step the router's wiring takes, not part of reading the file.
 *
 * <p>Threads: none. A config is parsed on the caller's thread and only read afterwards.
 *
 * <p>Uses {@code routing} (the shard map and value rules it builds), {@code support} and
 * {@code tls} (its settings record); every
 * package above {@code routing} may use it.
 */
package io.redisreplica.router.config;
