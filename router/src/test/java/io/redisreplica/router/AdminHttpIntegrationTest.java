package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.PrometheusText;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** The admin-http server with a real master and replica: /metrics parsed strictly, /health, /ready and their codes. */
class AdminHttpIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path, String accept) {
        final HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (accept != null) {
            r.header("Accept", accept);
        }
        try {
            return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double sample(Map<String, PrometheusText.Family> f, String name, Map<String, String> labels) {
        return f.get(name).samples().stream().filter(s -> s.labels().equals(labels)).findFirst()
            .orElseThrow(() -> new AssertionError(name + labels + " not in " + f.get(name))).value();
    }

    @Test
    void shouldServeParsableMetricsWithStableReplicaLabelsAndReadyOnlyWhileStreaming() throws Exception {
        final RedisServer master = redis.start();
        final int shardPort = FreePort.find();
        final int httpPort = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nadmin-http 127.0.0.1:" + httpPort + "\nshard a 127.0.0.1:" + shardPort + " regex=.*\n", "test");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            assertEquals(200, get(httpPort, "/health", null).statusCode());
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + shardPort));
            replica.awaitReplicaInSync(20_000);
            Await.until("ready once the link streams", () -> get(httpPort, "/ready", null).statusCode() == 200);
            master.call("SET", "k", "v");

            final HttpResponse<String> text = get(httpPort, "/metrics", null);
            assertEquals(200, text.statusCode());
            assertTrue(text.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), text.headers().toString());
            final Map<String, PrometheusText.Family> f = PrometheusText.parse(text.body());
            final Map<String, String> label = Map.of("shard", "a", "replica", "127.0.0.1:" + replica.port());
            Await.until("the replica's first ACK", () -> sample(PrometheusText.parse(get(httpPort, "/metrics", null).body()),
                "redis_replica_replica_lag_bytes", label) >= 0);
            assertEquals(1, sample(f, "redis_replica_upstream_streaming", Map.of()));
            assertEquals(1, sample(f, "redis_replica_shard_journal_writable", Map.of("shard", "a")));
            // the journal's bytes on disk (its sparse files' data extents), apart from the entry bytes it retains
            Await.until("the journal's first page on disk", () -> sample(PrometheusText.parse(get(httpPort, "/metrics", null).body()),
                "redis_replica_shard_journal_bytes", Map.of("shard", "a")) > 0);
            final Map<String, PrometheusText.Family> disk = PrometheusText.parse(get(httpPort, "/metrics", null).body());
            final double onDisk = sample(disk, "redis_replica_shard_journal_bytes", Map.of("shard", "a"));
            final long apparent = router.shards().get(0).journal().fileStats().apparentBytes();
            assertTrue(onDisk < apparent, onDisk + " bytes on disk, files of " + apparent);
            assertTrue(sample(disk, "redis_replica_shard_journal_entry_bytes", Map.of("shard", "a")) > 0);
            assertEquals(1, f.get("redis_replica_build_info").samples().size());
            assertTrue(f.containsKey("jvm_memory_used_bytes") && f.containsKey("process_cpu_seconds_total"), f.keySet().toString());

            // a reconnect keeps the replica's series: it is named by its listening port, not the connection's
            replica.call("CLIENT", "KILL", "TYPE", "master");
            Await.until("a partial resync", () -> router.shards().get(0).partialResyncs() >= 1);
            replica.awaitReplicaInSync(20_000);
            Await.until("one series for the replica, streaming", () -> {
                final Map<String, PrometheusText.Family> again = PrometheusText.parse(get(httpPort, "/metrics", null).body());
                return again.get("redis_replica_replica_lag_bytes").samples().size() == 1
                    && sample(again, "redis_replica_replica_lag_bytes", label) >= 0;
            });

            final HttpResponse<String> om = get(httpPort, "/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertTrue(om.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"), om.headers().toString());
            assertTrue(om.body().endsWith("# EOF\n"));

            master.stop();
            Await.until("not ready while the master is gone", () -> get(httpPort, "/ready", null).statusCode() == 503);
            final String why = get(httpPort, "/ready", null).body();
            assertTrue(why.startsWith("upstream "), why);
            assertEquals(200, get(httpPort, "/health", null).statusCode(), "the process is still up");
            assertEquals(404, get(httpPort, "/nope", null).statusCode());
        }
    }

    @Test
    void shouldAskForTheAdminPasswordOnEveryPathButTheProbesWhenTheyAreLeftOpen() throws Exception {
        final RedisServer master = redis.start();
        final int httpPort = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nadmin-http 127.0.0.1:" + httpPort + "\nadmin-password s3cret\nadmin-health-open yes\nshard a 127.0.0.1:" + FreePort.find()
            + " regex=.*\n", "test");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            final HttpResponse<String> refused = get(httpPort, "/metrics", null);
            assertEquals(401, refused.statusCode());
            assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), refused.headers().toString());
            assertTrue(!refused.body().contains("redis_replica"), "no metric before the password");
            final String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("default:s3cret".getBytes());
            final HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("default:nope".getBytes())).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode());
            final HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, allowed.statusCode());
            assertTrue(PrometheusText.parse(allowed.body()).containsKey("redis_replica_build_info"));
            assertEquals(200, get(httpPort, "/health", null).statusCode(), "admin-health-open: the probes need no password");
            Await.until("ready without a password", () -> get(httpPort, "/ready", null).statusCode() == 200);
            assertTrue(!allowed.body().contains("s3cret"), "the password is in no metric");
        }
    }
}
