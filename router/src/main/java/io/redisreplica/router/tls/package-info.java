/**
 * TLS with the JDK's own provider, for every socket the router and the tools make or accept:
 * {@link io.redisreplica.router.tls.TlsSettings} (the PEM files and choices of the config, as
 * Redis names them), {@link io.redisreplica.router.tls.PemFiles} (certificates, and private keys
 * in PKCS#8, PKCS#1 and SEC1 form), {@link io.redisreplica.router.tls.TlsContexts} (the SSL
 * contexts, built again when a file changes, checked on each new connection),
 * {@link io.redisreplica.router.tls.SocketFactory} (a plain or TLS connection to a peer, or TLS on an
 * accepted socket) and {@link io.redisreplica.router.tls.TlsFailure} (a handshake's failure as a
 * sentence naming the peer and the reason: an unknown CA, an expired certificate), naming the
 * files as the operator did ({@link io.redisreplica.router.tls.TlsOptionNames}: the config's
 * directives, or a tool's options).
 *
 * <p>Threads: a {@code TlsContexts} may be used from any thread (connections of every port and
 * link); it rebuilds under its own lock. Uses no other router package, so every package above
 * {@code support} may use it.
 */
package io.redisreplica.router.tls;
