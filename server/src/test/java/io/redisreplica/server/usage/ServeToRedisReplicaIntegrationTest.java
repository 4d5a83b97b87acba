package io.redisreplica.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.server.ReplicaStatus;
import io.redisreplica.server.ReplicationBacklog;
import io.redisreplica.server.ReplicationServer;
import io.redisreplica.server.ServerContext;
import io.redisreplica.server.ServerListener;
import io.redisreplica.server.Snapshot;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * The server as an application uses it, through {@code io.redisreplica.server} only (this
 * package is outside it): a hand-built snapshot and a stream of commands served to a real
 * redis-server replica, compared key by key with a reference redis-server that loaded the same
 * RDB and received the same commands as a client.
 */
class ServeToRedisReplicaIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private static final long EXPIRES_AT = System.currentTimeMillis() + 3_600_000;

    /** Every error the server reported. */
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<String> syncs = new CopyOnWriteArrayList<>();
    private final ServerListener listener = new ServerListener() {
        @Override
        public void onError(String where, Throwable error, boolean fatal) {
            errors.add(where + ": " + error + (fatal ? " (fatal)" : ""));
        }

        @Override
        public void onSync(ReplicaStatus replica, boolean partial) {
            syncs.add(replica.listeningPort() + (partial ? " continue" : " full"));
        }
    };

    /** The same command to the backlog (what the replica gets) and to the reference server (on one connection, SELECTs included). */
    private static void both(ReplicationBacklog backlog, RedisClient reference, String... args) {
        backlog.appendCommand(args);
        reference.call((Object[]) args);
    }

    private static void writes(ReplicationBacklog backlog, RedisClient reference, int from, int to) {
        for (int i = from; i < to; i++) {
            both(backlog, reference, "SELECT", "0");
            both(backlog, reference, "RPUSH", "seq", Integer.toString(i)); // loss or duplication shows in the list
            both(backlog, reference, "SET", "k:" + i, "new-" + i);
            both(backlog, reference, "SELECT", "3");
            both(backlog, reference, "INCR", "counter");
            // an absolute expiry, as a master's stream carries one: the replica applies it later than the reference
            both(backlog, reference, "SET", "ttl:" + i, "v", "PXAT", Long.toString(EXPIRES_AT));
        }
        both(backlog, reference, "SELECT", "0");
        both(backlog, reference, "DEL", "k:1");
    }

    @Test
    void shouldServeAHandBuiltSnapshotAndStreamAndContinueAfterTheReplicaRestarts() throws Exception {
        final Path rdb = Snapshots.write(dir.resolve("snapshot.rdb"), 500);
        final RedisServer reference = redis.startWithRdb(RedisBinary.local(), rdb);
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        final Snapshot snapshot = Snapshot.ofFile(Snapshot.newReplid(), 1_000_000, rdb);
        backlog.snapshot(snapshot);
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).pingPeriodMillis(200).listener(listener));
             RedisClient ref = reference.client()) {
            writes(backlog, ref, 0, 100); // before the replica: in the backlog after the snapshot's offset
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            replica.awaitReplicaInSync(30_000);
            writes(backlog, ref, 100, 200); // while it streams
            DatasetComparison.of(reference, List.of(replica), key -> 0).awaitEqual("after the snapshot and the stream", 30_000);

            Await.until("the replica acknowledges the whole stream", () -> {
                final List<ReplicaStatus> r = server.replicas();
                return r.size() == 1 && r.get(0).ackedOffset() == backlog.endOffset();
            }, 30_000);
            final ReplicaStatus status = server.replicas().get(0);
            assertEquals(replica.port(), status.listeningPort());
            assertEquals("127.0.0.1", status.address());
            assertEquals(0, status.lagBytes());
            assertTrue(status.state() == ReplicaStatus.State.STREAMING, status.toString());
            assertEquals(snapshot.replid(), field(replica, "master_replid"), "the snapshot's history");

            replica.restart(true); // SHUTDOWN SAVE: the replica keeps the replid and offset in its RDB
            writes(backlog, ref, 200, 300);
            replica.awaitReplicaInSync(30_000);
            DatasetComparison.of(reference, List.of(replica), key -> 0).awaitEqual("after the replica's restart", 30_000);
            assertEquals(1, server.fullResyncs(), "one full sync: the restart continued");
            assertEquals(1, server.partialResyncs());
            assertEquals(List.of(replica.port() + " full", replica.port() + " continue"), syncs);
            Await.until("the replica acknowledges the end again",
                () -> server.replicas().size() == 1 && server.replicas().get(0).ackedOffset() == backlog.endOffset(), 30_000);
            assertTrue(backlog.endOffset() > 1_000_000, "its offsets are the snapshot's plus the stream's bytes");
            assertEquals(Long.toString(server.replicas().get(0).ackedOffset()), field(replica, "master_repl_offset"));
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldHoldAReplicaUntilTheSourceHasASnapshotSendItDisklessAndJoinItsThreadsOnClose() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        final RedisServer replica;
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).listener(listener))) {
            replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            Await.until("the replica waits for the snapshot",
                () -> server.replicas().size() == 1 && server.replicas().get(0).state() == ReplicaStatus.State.WAIT_SNAPSHOT, 30_000);
            final Path rdb = Snapshots.write(dir.resolve("late.rdb"), 10);
            // a stream of unknown size: sent with the diskless framing ($EOF:mark), nothing after it until the replica ACKs
            backlog.snapshot(Snapshot.of(Snapshot.newReplid(), 0, -1, () -> java.nio.file.Files.newInputStream(rdb)));
            backlog.appendCommand("SET", "after", "snapshot");
            replica.awaitReplicaInSync(30_000);
            Await.until("the command after the snapshot", () -> "snapshot".equals(replica.client().callString("GET", "after")), 30_000);
            assertEquals(12, Long.parseLong(replica.client().callString("DBSIZE")), "db 0: the snapshot's 10 keys and its expiring one, and one more");
        }
        Await.until("the replica sees the link down after close", () -> field(replica, "master_link_status").equals("down"), 30_000);
        final List<String> left = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
            .filter(n -> n.startsWith("replica-") || n.startsWith("acks-") || n.startsWith("replication-")).toList();
        assertEquals(List.of(), left, "every thread of the server joined");
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldKeepStreamingToASyncClientThatNeverAcknowledgesPastTheReplTimeout() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        final Path rdb = Snapshots.write(dir.resolve("sync.rdb"), 5);
        backlog.snapshot(Snapshot.of(Snapshot.newReplid(), 0, java.nio.file.Files.size(rdb), () -> java.nio.file.Files.newInputStream(rdb)));
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).listener(listener)
                .replTimeoutMillis(1_000).stallMillis(500));
             java.net.Socket sync = new java.net.Socket("127.0.0.1", server.port())) {
            // SYNC, as Redis before 2.8 and redis-cli --replica send it: no REPLCONF ACK ever follows
            sync.getOutputStream().write("SYNC\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            sync.getOutputStream().flush();
            sync.setSoTimeout(10_000);
            final java.io.InputStream in = sync.getInputStream();
            final byte[] head = new byte[1];
            final StringBuilder bulk = new StringBuilder();
            while (in.read(head) == 1 && head[0] != '\n') {
                bulk.append((char) head[0]);
            }
            assertTrue(bulk.toString().startsWith("$"), "a SYNC gets the RDB as a bulk, no +FULLRESYNC: " + bulk);
            in.readNBytes(Integer.parseInt(bulk.substring(1).trim()));
            Thread.sleep(2_500); // well past repl-timeout: Redis does not time out a pre-PSYNC replica, nor does the server
            backlog.appendCommand("SET", "late", "still-streamed");
            final String stream = new String(in.readNBytes("*3\r\n$3\r\nSET\r\n$4\r\nlate\r\n$14\r\nstill-streamed\r\n".length()),
                java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(stream.contains("still-streamed"), stream);
            assertEquals(ReplicaStatus.State.STREAMING, server.replicas().get(0).state(), "not PAUSED for lack of ACKs");
        }
        assertEquals(List.of(), errors);
    }

    static String field(RedisServer server, String name) {
        try (RedisClient c = server.client()) {
            for (String line : c.callString("INFO", "replication").split("\r\n")) {
                if (line.startsWith(name + ":")) {
                    return line.substring(name.length() + 1);
                }
            }
        }
        return "";
    }
}
