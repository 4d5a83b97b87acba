package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.PrometheusText;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.SilentReplica;

/**
 * The operator's view of a shard replica that has its whole snapshot and has not acknowledged it
 * (loading it, or hung while loading): {@code state=loading} in INFO and the {@code /metrics} state
 * set, never paused while the master writes on; its first {@code REPLCONF ACK} makes it streaming.
 */
class LoadingReplicaIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldShowAReplicaThatReadItsSnapshotAndSentNoAckAsLoadingNotPausedUntilItAcks() throws Exception {
        final RedisServer master = redis.start();
        final int port = FreePort.find();
        final int admin = FreePort.find();
        try (Router router = Router.start(ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nadmin 127.0.0.1:" + admin + "\nreplica-stall-timeout 200ms\nshard a 127.0.0.1:" + port + " prefix=a\n", "test"),
            CrossShardPolicy.LOG)) {
            Await.until("the link streaming", () -> router.upstream().state() == UpstreamLink.State.STREAMING, 20_000);
            try (SilentReplica replica = SilentReplica.fullResync(port, 7001)) {
                for (int i = 0; i < 20; i++) {
                    master.call("SET", "a" + i, "v"); // the shard moves on: the silent replica is behind
                }
                Await.until("the writes written to it", () -> router.replicas(0).get(0).sentOffset() == router.shards().get(0).journal()
                    .endOffset() && router.shards().get(0).journal().endOffset() > 0, 10_000);
                Thread.sleep(1_000); // five stall times
                final String loading = info(admin);
                assertTrue(loading.matches("(?s).*shard_a_replica0:addr=127\\.0\\.0\\.1:\\d+,listening_port=7001,state=loading,sent=\\d+,"
                    + "acked=-1,lag_bytes=-1,.*"), loading);
                assertEquals(1, state(admin, "loading"));
                assertEquals(0, state(admin, "paused"), "loading is no stall: no RedisReplicaReplicaPaused");

                final long sent = router.replicas(0).get(0).sentOffset();
                replica.ack(sent);
                Await.until("its first ACK makes it streaming", () -> info(admin).contains("listening_port=7001,state=streaming,sent="), 10_000);
                assertEquals(1, state(admin, "streaming"));
                assertEquals(0, state(admin, "loading"));
            }
        }
    }

    private static String info(int admin) {
        try (RedisClient c = new RedisClient("127.0.0.1", admin)) {
            return c.callString("INFO", "shards");
        }
    }

    /** The replica's {@code redis_replica_replica_state} sample for {@code state}, from the admin port's {@code /metrics}. */
    private static double state(int admin, String state) throws Exception {
        final java.net.HttpURLConnection http = (java.net.HttpURLConnection) new java.net.URL("http://127.0.0.1:" + admin + "/metrics")
            .openConnection();
        final Map<String, PrometheusText.Family> f = PrometheusText.parse(new String(http.getInputStream().readAllBytes(),
            StandardCharsets.UTF_8));
        return f.get("redis_replica_replica_state").samples().stream().filter(s -> s.labels().equals(Map.of("shard", "a", "replica",
            "127.0.0.1:7001", "redis_replica_replica_state", state))).findFirst().orElseThrow(() -> new AssertionError(state + " not in "
            + f.get("redis_replica_replica_state"))).value();
    }
}
