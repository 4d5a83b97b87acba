package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** Issue 12 point 6: a replica that cannot take what it is sent is slowed and dropped, not fed in a loop. */
class ReplicaStormIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldDropAReplicaThatCannotLoadItsSnapshotAndHoldItsReconnectsInsteadOfResyncingItInALoop() throws Exception {
        final RedisServer master = redis.start(); // 7.0: an RDB version 10 snapshot, which a 2.8 replica cannot load
        master.call("SET", "a1", "v");
        final int port = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + port + " regex=^a\nreplica-max-failures 2\nreplica-failure-window 60s\nreplica-drop-time 60s\n",
            "test");
        try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
            final RedisServer old = redis.start(RedisBinary.bundled("2.8.19"), Map.of("slaveof", "127.0.0.1 " + port));
            try {
                Await.until("the replica to be dropped after failing to load its snapshot twice", () -> router.drops(0) >= 1, 30_000);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; full resyncs " + router.shards().get(0).fullResyncs() + ", sessions "
                    + router.replicas(0) + "\nreplica log:\n" + old.logTail(30), e);
            }
            final long resyncs = router.shards().get(0).fullResyncs();
            Thread.sleep(5_000);
            final long more = router.shards().get(0).fullResyncs() - resyncs;
            assertTrue(more == 0, "no snapshot sent to a dropped replica, " + more + " were; replica log:\n" + old.logTail(20));
            Await.until("the held connection to get its answer, saying why", () -> old.logTail(50).contains("dropped"), 15_000);
            assertTrue(router.shards().get(0).fullResyncs() - resyncs == 0, "still no snapshot for it");
        }
    }
}
