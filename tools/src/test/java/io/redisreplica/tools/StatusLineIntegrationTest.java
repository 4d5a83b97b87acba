package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.server.ReplicaStatus;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.SilentReplica;

/** run's status line with a real master and replica: the link, how long since the master's last byte, and each shard's lag. */
class StatusLineIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldShowTheLinkAndEachShardsReplicasWithTheirLag() throws Exception {
        final RedisServer master = redis.start();
        final int a = FreePort.find();
        final int b = FreePort.find();
        try (Router router = Router.start(ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("j")
            + "\nshard a 127.0.0.1:" + a + " regex=^a\nshard b 127.0.0.1:" + b + " regex=^b\n", "test"), CrossShardPolicy.LOG)) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + a));
            replica.awaitReplicaInSync(20_000);
            master.call("SET", "apple", "red");
            // a replica that attaches while the master's RDB is split is streamed its snapshot and may be in sync
            // before the link has finished the full sync: the line is read once the link streams
            Await.until("the replica's ACK and the link streaming", () -> router.replicas(0).stream().anyMatch(r -> r.ackedOffset() >= 0)
                && StatusLine.of(router).startsWith("upstream streaming"));
            // on b a replica that read its whole snapshot and loads it (sends no ACK)
            try (SilentReplica loading = SilentReplica.fullResync(b, 7001)) {
                Await.until("b's replica loading", () -> router.replicas(1).size() == 1
                    && router.replicas(1).get(0).state() == ReplicaStatus.State.LOADING);
                final String line = StatusLine.of(router);
                assertTrue(line.matches("upstream streaming offset \\d+, last byte \\d+\\.\\d s ago, routed \\d+, unclaimed \\d+, cross-shard 0; "
                    + "shard a end \\d+, 1 replica, max lag \\d+ bytes \\d+\\.\\d s, resyncs full/partial 1/0; "
                    + "shard b end \\d+, 1 replica \\(1 loading\\), max lag -1 bytes 0\\.0 s, resyncs full/partial 1/0"), line);
            }
        }
    }
}
