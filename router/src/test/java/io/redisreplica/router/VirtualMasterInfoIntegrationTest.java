package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
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
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * A virtual master lists its replicas as a Redis master does (issue 13: existing monitoring reads a
 * master's INFO replication and ROLE): connected_slaves, slaveN lines with the replica's address,
 * announced port, state and acknowledged offset, and ROLE's triples.
 */
class VirtualMasterInfoIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldListItsReplicasInInfoReplicationAndRoleAsRedisDoes() throws Exception {
        final RedisServer master = redis.start();
        final int port = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + port + " prefix=a\n", "test");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port));
            replica.awaitReplicaInSync(20_000);
            master.call("SET", "a1", "v");
            Await.until("the replica's ACK of the SET", () -> {
                try (RedisClient c = new RedisClient("127.0.0.1", port)) {
                    final String info = c.callString("INFO", "replication");
                    return info.contains("slave0:ip=127.0.0.1,port=" + replica.port() + ",state=online,offset="
                        + router.shards().get(0).journal().endOffset() + ",lag=");
                }
            }, 20_000);
            try (RedisClient c = new RedisClient("127.0.0.1", port)) {
                final String info = c.callString("INFO", "replication");
                assertTrue(info.startsWith("# Replication\r\nrole:master\r\nconnected_slaves:1\r\n"), info);
                assertTrue(info.contains("\r\nslave_priority:0\r\nreplica_announced:0\r\n"), "never a sentinel's pick for promotion: " + info);
                final List<?> role = (List<?>) c.call("ROLE");
                assertEquals("master", text(role.get(0)));
                final List<?> replicas = (List<?>) role.get(2);
                assertEquals(1, replicas.size());
                assertEquals(List.of("127.0.0.1", Integer.toString(replica.port())),
                    List.of(text(((List<?>) replicas.get(0)).get(0)), text(((List<?>) replicas.get(0)).get(1))));
            }
        }
    }

    @Test
    void shouldShowTheShardsReplidInInfoWhileItWaitsForItsSnapshot() throws Exception {
        final RedisServer master = redis.start();
        final int port = FreePort.find();
        final String shards = "\njournal " + dir.resolve("journal") + "\nshard a 127.0.0.1:" + port + " prefix=a\n";
        final String replid;
        final Path snapshot;
        try (Router router = Router.start(ConfigParser.parse("upstream 127.0.0.1:" + master.port() + shards, "test"), CrossShardPolicy.LOG)) {
            Await.until("the first snapshot", () -> router.shards().get(0).snapshotOffset() >= 0, 20_000);
            replid = router.shards().get(0).replid();
            snapshot = router.shards().get(0).snapshot();
            assertEquals(replid, field(port, "master_replid"));
        }
        java.nio.file.Files.delete(snapshot); // the next start waits for a new one (snapshot_missing)
        // an upstream that takes the connection and never answers: the full sync that would make it never comes
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Router router = Router.start(ConfigParser.parse("upstream 127.0.0.1:" + silent.getLocalPort() + shards, "test"),
                CrossShardPolicy.LOG)) {
            assertEquals("snapshot_missing", router.shards().get(0).snapshotWait());
            assertEquals(replid, field(port, "master_replid"), "the replid it kept, not forty zeros, while it waits");
        }
    }

    /** A field of the shard port's INFO replication. */
    private static String field(int port, String name) {
        try (RedisClient c = new RedisClient("127.0.0.1", port)) {
            return c.callString("INFO", "replication").lines().filter(l -> l.startsWith(name + ":")).findFirst().orElseThrow()
                .substring(name.length() + 1);
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
