/**
 * The admin port: {@link io.redisreplica.router.admin.AdminServer} answers Redis {@code INFO} and
 * HTTP {@code GET /metrics}; {@link io.redisreplica.router.admin.AdminReport} writes both from
 * what it reads through {@link io.redisreplica.router.admin.RouterView} (the running router:
 * upstream link, shards, sessions, listeners, sinks).
 *
 * <p>Threads: the {@code AdminServer} constructor starts its acceptor ({@code admin-PORT}), which
 * starts a thread per admin client ({@code admin-client-ADDRESS}); {@code close()} stops the
 * acceptor and closes the listening socket. The {@code Router} creates and closes it.
 *
 * <p>Uses {@code upstream}, {@code downstream}, {@code sinks}, {@code shard}, {@code config},
 * {@code routing} and {@code support}; only the {@code Router} uses it.
 */
package io.redisreplica.router.admin;
