/**
 * The operator's view. {@link io.redisreplica.router.admin.AdminServer} (the {@code admin} port)
 * answers Redis {@code INFO} and a plain HTTP {@code GET}; {@link
 * io.redisreplica.router.admin.AdminHttpServer} ({@code admin-http}, the JDK's HTTP server) serves
 * {@code /metrics}, {@code /health} and {@code /ready}; both answer HTTP from
 * {@link io.redisreplica.router.admin.AdminEndpoints} (one Prometheus client registry: the
 * router's families, build info, JVM and process metrics). Each request reads the running router
 * once, through {@link io.redisreplica.router.admin.RouterView}, into a
 * {@link io.redisreplica.router.admin.RouterStatus} record (upstream link, routing counters,
 * shards, sessions, listeners, sinks, vitals), which {@link io.redisreplica.router.admin.InfoReport}
 * and {@link io.redisreplica.router.admin.RouterMetrics} (through {@code MetricFamilies}) format:
 * the formats are unit-tested from fixed values. {@link io.redisreplica.router.admin.AdminAuth}
 * closes the admin port and {@code admin-http} with {@code admin-password} (RESP {@code AUTH},
 * HTTP Basic; the health paths optionally open); with {@code admin-tls} each connection to the
 * admin port is served over TLS ({@code tls.SocketFactory}). On the admin port,
 * {@link io.redisreplica.router.admin.FollowerReport} takes {@code FOLLOWER REPORT} from each
 * {@code replay --follow} into the {@code downstream.Followers} registry.
 *
 * <p>Threads: the {@code AdminServer}'s constructor binds the port, {@code start()} starts its
 * acceptor, an {@code Agent} ({@code admin-PORT}), which starts a thread per admin client
 * ({@code admin-client-ADDRESS}); {@code close()} closes and joins the acceptor, then closes every
 * client's socket and joins their threads. The {@code AdminHttpServer} serves on two threads
 * ({@code admin-http-N}), stopped and joined by its {@code close()}. The {@code Router} creates,
 * starts and closes both.
 *
 * <p>Uses {@code upstream}, {@code downstream}, {@code sinks}, {@code shard}, {@code config},
 * {@code routing}, {@code support} and {@code tls}; only the {@code Router} uses it.
 */
package io.redisreplica.router.admin;
