/**
 * Shared test fixtures for every module: real {@code redis-server} processes on free loopback
 * ports with their own temp dirs ({@link io.redisreplica.testkit.RedisServers}), the binaries to
 * run ({@link io.redisreplica.testkit.RedisBinary}: the local install, or older builds bundled in
 * Maven Central jars), a small blocking RESP2 client ({@link io.redisreplica.testkit.RedisClient})
 * that is deliberately independent of our own codec so that it can serve as a test oracle, and
 * access to the shared RDB corpus ({@link io.redisreplica.testkit.RdbCorpus}), and a strict parser
 * of the Prometheus text format ({@link io.redisreplica.testkit.PrometheusText}), the oracle for
 * what {@code /metrics} serves.
 */
package io.redisreplica.testkit;
