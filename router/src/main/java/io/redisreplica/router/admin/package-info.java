/**
 * The admin port: {@link io.redisreplica.router.admin.AdminServer} answers Redis {@code INFO} and
 * HTTP {@code GET /metrics}. Each request reads the running router once, through
 * {@link io.redisreplica.router.admin.RouterView}, into a
 * {@link io.redisreplica.router.admin.RouterStatus} record (upstream link, routing counters,
 * shards, sessions, listeners, sinks), which {@link io.redisreplica.router.admin.InfoReport} and
 * {@link io.redisreplica.router.admin.PrometheusReport} format: the formats are unit-tested from
 * fixed values. {@link io.redisreplica.router.admin.AdminAuth} closes the port with
 * {@code admin-password} (RESP {@code AUTH}, HTTP Basic; the health path optionally open); with
 * {@code admin-tls} each connection is served over TLS ({@code tls.SocketFactory}).
 *
 * <p>Threads: the {@code AdminServer}'s constructor binds the port, {@code start()} starts its
 * acceptor, an {@code Agent} ({@code admin-PORT}), which starts a thread per admin client
 * ({@code admin-client-ADDRESS}); {@code close()} closes and joins the acceptor, then closes every
 * client's socket and joins their threads. The {@code Router} creates, starts and closes it.
 *
 * <p>Uses {@code upstream}, {@code downstream}, {@code sinks}, {@code shard}, {@code config},
 * {@code routing}, {@code support} and {@code tls}; only the {@code Router} uses it.
 */
package io.redisreplica.router.admin;
