package io.redisreplica.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.server.ReplicationBacklog;
import io.redisreplica.server.ReplicationServer;
import io.redisreplica.server.ServerContext;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * A server an application binds before it serves, and names: what the router's shards are. A real
 * replica that connects between bind and start waits in the port's backlog and syncs once it
 * starts; the name is in its threads, its unknown-command reply and its bind error; INFO shows the
 * priority and announcement a Sentinel reads.
 */
class NamedServerIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private ServerContext context(ReplicationBacklog backlog) {
        return new ServerContext().source(backlog).name("shard a").replicaPriority(0).replicaAnnounced(false);
    }

    @Test
    void shouldHoldAReplicaThatConnectsBeforeStartAndSyncItOnceStarted() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 10));
        try (ReplicationServer server = ReplicationServer.bind(context(backlog))) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            Thread.sleep(1500); // the replica's connect is in the backlog, unanswered
            assertEquals(0, server.replicas().size(), "no session before start");
            server.start();
            server.start(); // a second start does nothing
            replica.awaitReplicaInSync(30_000);
            backlog.appendCommand("SET", "after", "start");
            Await.until("the stream on the replica", () -> {
                try (RedisClient c = replica.client()) {
                    return "start".equals(c.callString("GET", "after"));
                }
            }, 20_000);
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("shard-a-replica-127.0.0.1:")),
                "the session's thread carries the server's name");
            assertEquals(1, server.connectedClients());
            assertEquals(0, server.acceptErrors());
        }
    }

    @Test
    void shouldNameItselfInItsRepliesAndShowThePriorityASentinelReads() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 1));
        try (ReplicationServer server = ReplicationServer.start(context(backlog)); RedisClient c = new RedisClient("127.0.0.1", server.port())) {
            final RedisClient.RedisErrorException unknown = assertThrows(RedisClient.RedisErrorException.class, () -> c.call("GET", "k"));
            assertEquals("ERR unknown command 'GET': this is a replication server for shard a; replicate it with REPLICAOF",
                unknown.getMessage());
            final String info = c.callString("INFO", "replication");
            assertTrue(info.contains("role:master\r\n"), info);
            assertTrue(info.contains("slave_priority:0\r\nreplica_announced:0\r\n"), info);
        }
    }

    @Test
    void shouldShowNeitherLineByDefault() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog));
            RedisClient c = new RedisClient("127.0.0.1", server.port())) {
            final String info = c.callString("INFO", "replication");
            assertTrue(!info.contains("slave_priority") && !info.contains("replica_announced"), info);
            final RedisClient.RedisErrorException unknown = assertThrows(RedisClient.RedisErrorException.class, () -> c.call("GET", "k"));
            assertEquals("ERR unknown command 'GET': this is a replication server; replicate it with REPLICAOF", unknown.getMessage());
        }
    }

    @Test
    void shouldNameTheServerAndTheAddressWhenThePortIsTaken() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        try (ReplicationServer first = ReplicationServer.bind(context(backlog))) {
            final IOException e = assertThrows(IOException.class, () -> ReplicationServer.bind(context(backlog).port(first.port())));
            assertTrue(e instanceof BindException, e.toString());
            assertTrue(e.getMessage().startsWith("shard a: cannot listen on 127.0.0.1:" + first.port() + ": "), e.getMessage());
        }
    }

    @Test
    void shouldRefuseANameThatWouldBreakALogLineOrAReply() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new ServerContext().source(new ReplicationBacklog(1024)).name("a\r\nb").conclude());
        assertTrue(e.getMessage().startsWith("name="), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ServerContext().source(new ReplicationBacklog(1024)).replicaPriority(-2).conclude());
    }
}
