/**
 * Shared test fixtures for every module: real {@code redis-server} processes on free loopback
 * ports with their own temp dirs ({@link io.redisreplica.testkit.RedisServers}; Sentinels watching
 * a master: {@link io.redisreplica.testkit.SentinelGroup}; a Redis Cluster of masters:
 * {@link io.redisreplica.testkit.RedisCluster}), the binaries to
 * run ({@link io.redisreplica.testkit.RedisBinary}: the local install, or older builds bundled in
 * Maven Central jars), a real Kafka broker in KRaft mode as a JVM of its own
 * ({@link io.redisreplica.testkit.KafkaBroker}; the calling module puts Kafka's jars on its test
 * class path), a small blocking RESP2 client ({@link io.redisreplica.testkit.RedisClient})
 * that is deliberately independent of our own codec so that it can serve as a test oracle, and
 * access to the shared RDB corpus ({@link io.redisreplica.testkit.RdbCorpus}); a test CA and
 * certificates made with {@code openssl} ({@link io.redisreplica.testkit.TlsCertificates}) for
 * servers started with TLS ({@code RedisServers.startTls}; Sentinels that listen with TLS only,
 * {@code SentinelGroup.startTlsOnly}, which the fixture's clients reach over TLS); and a strict parser of the Prometheus
 * text format ({@link io.redisreplica.testkit.PrometheusText}), the oracle for what {@code /metrics}
 * serves; {@link io.redisreplica.testkit.ApiSurface} lists what a public package exposes, for the
 * tests that keep an API apart from its {@code impl} package.
 */
package io.redisreplica.testkit;
