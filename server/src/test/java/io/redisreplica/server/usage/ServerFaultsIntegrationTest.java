package io.redisreplica.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.server.JournalCursor;
import io.redisreplica.server.ReplicaStatus;
import io.redisreplica.server.ReplicationBacklog;
import io.redisreplica.server.ReplicationServer;
import io.redisreplica.server.ReplicationSource;
import io.redisreplica.server.ServerContext;
import io.redisreplica.server.ServerListener;
import io.redisreplica.server.Snapshot;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.SilentReplica;

/** A replica that stops reading, and a source that fails: what the server does, through its API only. */
class ServerFaultsIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final ServerListener listener = new ServerListener() {
        @Override
        public void onError(String where, Throwable error, boolean fatal) {
            errors.add(where + ": " + error.getMessage() + (fatal ? " (fatal)" : ""));
        }
    };

    /** Opens a cursor of the test's making. */
    @FunctionalInterface
    private interface Cursors {
        JournalCursor open(long offset) throws IOException;
    }

    /** {@code backlog} as a source whose cursors {@code cursors} makes. */
    private static ReplicationSource over(ReplicationBacklog backlog, Cursors cursors) {
        return new BacklogSource(backlog) {
            @Override
            public JournalCursor cursor(long offset) throws IOException {
                return cursors.open(offset);
            }
        };
    }

    private static long counter(RedisServer replica) {
        try (RedisClient c = replica.client()) {
            final String v = c.callString("GET", "counter");
            return v == null ? 0 : Long.parseLong(v);
        } catch (RuntimeException e) {
            return -1; // stopped, or loading
        }
    }

    @Test
    void shouldNotPauseAReplicaLoadingItsSnapshotButPauseOneThatContinuedAndNeverAcks() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 10));
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).stallMillis(200).listener(listener));
            SilentReplica loading = SilentReplica.fullResync(server.port(), 7001)) {
            final String replid = loading.replid();
            backlog.appendCommand("SET", "k", "v"); // behind, and silent: as a replica that loads a large RDB is
            Thread.sleep(1_000); // five stall times
            assertEquals(ReplicaStatus.State.LOADING, server.replicas().get(0).state(), "loading its snapshot is no stall");
            try (Socket continued = new Socket("127.0.0.1", server.port())) {
                continued.getOutputStream().write(("REPLCONF listening-port 7002\r\nPSYNC " + replid + " 1\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                Await.until("the replica that continued and never ACKs shows PAUSED", () -> server.replicas().stream()
                    .anyMatch(r -> r.listeningPort() == 7002 && r.state() == ReplicaStatus.State.PAUSED), 10_000);
            }
        }
    }

    @Test
    void shouldShowLoadingAfterTheSnapshotUntilTheFirstAckThenStreaming() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 10));
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).stallMillis(200).listener(listener))) {
            final RedisServer real = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            real.awaitReplicaInSync(30_000);
            try (SilentReplica loading = SilentReplica.fullResync(server.port(), 7001)) {
                backlog.appendCommand("SET", "k", "v"); // written to it while it loads
                Await.until("the stream written to it", () -> loadingOne(server).sentOffset() == backlog.endOffset(), 10_000);
                Thread.sleep(1_000); // five stall times, silent
                ReplicaStatus r = loadingOne(server);
                assertEquals(ReplicaStatus.State.LOADING, r.state(), "whole snapshot read, no ACK yet: " + r);
                assertEquals(-1, r.lagBytes());
                try (RedisClient c = new RedisClient("127.0.0.1", server.port())) {
                    final String info = c.callString("INFO", "replication");
                    assertTrue(info.matches("(?s).*slave\\d:ip=127\\.0\\.0\\.1,port=7001,state=online,offset=0,.*"),
                        "in Redis's words a replica loading what it was sent is online: " + info);
                }
                loading.ack(backlog.endOffset());
                Await.until("its first ACK makes it STREAMING", () -> loadingOne(server).state() == ReplicaStatus.State.STREAMING, 10_000);
                r = loadingOne(server);
                assertEquals(backlog.endOffset(), r.ackedOffset());
                assertEquals(0, r.lagBytes());
                Await.until("the real replica streams", () -> server.replicas().stream()
                    .anyMatch(s -> s.listeningPort() == real.port() && s.state() == ReplicaStatus.State.STREAMING && s.ackedOffset() >= 0), 10_000);
            }
        }
        assertEquals(List.of(), errors);
    }

    private static ReplicaStatus loadingOne(ReplicationServer server) {
        return server.replicas().stream().filter(r -> r.listeningPort() == 7001).findFirst().orElseThrow();
    }

    @Test
    void shouldShowWhereAStreamStartedWhileWhatWasSentMovesOn() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(16 << 20);
        final Snapshot snapshot = Snapshots.fresh(dir.resolve("s.rdb"), 10);
        backlog.snapshot(snapshot);
        backlog.appendCommand("SET", "k", "v");
        final long continueAt = backlog.endOffset();
        final String value = "x".repeat(1000);
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).listener(listener));
            Socket loading = new Socket("127.0.0.1", server.port());
            Socket continued = new Socket("127.0.0.1", server.port());
            Socket syncOnly = new Socket("127.0.0.1", server.port())) {
            loading.getOutputStream().write("REPLCONF listening-port 7001\r\nPSYNC ? -1\r\n".getBytes(StandardCharsets.US_ASCII));
            // a SYNC replica never ACKs and cannot resume: what it holds is what it was sent, as that moves
            syncOnly.getOutputStream().write("REPLCONF listening-port 7003\r\nSYNC\r\n".getBytes(StandardCharsets.US_ASCII));
            continued.getOutputStream().write(("REPLCONF listening-port 7002\r\nPSYNC " + snapshot.replid() + " " + (continueAt + 1) + "\r\n") // Redis's offset + 1
                .getBytes(StandardCharsets.US_ASCII));
            Await.until("all three synced", () -> server.replicas().size() == 3 && server.replicas().stream().allMatch(r -> r.sentOffset() >= 0),
                10_000);
            for (int i = 0; i < 2_000; i++) { // 2 MB neither reads: their sockets take some of it
                backlog.appendCommand("SET", "big", value);
            }
            Await.until("some of it written to all three", () -> server.replicas().stream().allMatch(r -> r.sentOffset() > continueAt), 10_000);
            for (ReplicaStatus r : server.replicas()) {
                if (r.listeningPort() == 7003) {
                    assertEquals(r.sentOffset(), r.startOffset(), "a SYNC replica holds what it was sent: " + r);
                } else {
                    assertEquals(r.listeningPort() == 7001 ? snapshot.offset() : continueAt, r.startOffset(), "where its stream started: " + r);
                }
                assertEquals(-1, r.ackedOffset());
            }
        }
    }

    @Test
    void shouldPauseAStoppedReplicaOnItsOwnSocketAndLetItCatchUpWithoutAResync() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(64 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 10));
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).stallMillis(500).listener(listener))) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            replica.awaitReplicaInSync(30_000);
            // its lag in time is sampled from its first ACK on (as Redis's lag, unknown before it)
            Await.until("its first ACK", () -> server.replicas().size() == 1 && server.replicas().get(0).ackedOffset() >= 0, 30_000);
            replica.pause(); // SIGSTOP: its socket fills, the session blocks on it
            final String value = "x".repeat(1000);
            for (int i = 0; i < 20_000; i++) { // ~20 MB: more than the socket buffers hold
                backlog.appendCommand("INCR", "counter");
                backlog.appendCommand("SET", "big", value);
            }
            Await.until("the stopped replica shows PAUSED", () -> server.replicas().size() == 1
                && server.replicas().get(0).state() == ReplicaStatus.State.PAUSED, 30_000);
            Await.until("its lag in time growing while it is stopped", () -> server.replicas().get(0).lagMillis() >= 200, 30_000);
            final ReplicaStatus paused = server.replicas().get(0);
            // what its socket took so far (a few MB of kernel buffers), the rest left in the backlog, not queued for it
            assertTrue(paused.sentOffset() < backlog.endOffset() / 2, "the stream held back at its socket: " + paused);
            replica.resume();
            Await.until("every INCR applied once", () -> counter(replica) == 20_000, 60_000);
            Await.until("acknowledged to the end and streaming again", () -> server.replicas().size() == 1
                && server.replicas().get(0).ackedOffset() == backlog.endOffset()
                && server.replicas().get(0).state() == ReplicaStatus.State.STREAMING, 30_000);
            assertTrue(server.replicas().get(0).lagStats().maxMillis() >= 200 && server.replicas().get(0).lagStats().count() > 0,
                "the stall is in the last minute's lag samples: " + server.replicas().get(0));
            assertEquals(1, server.fullResyncs(), "it caught up on its link, no resync");
            assertEquals(0, server.partialResyncs());
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldReportAFailingSourceToTheListenerAndContinueTheReplicaAfterIt() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 10));
        final AtomicBoolean failNext = new AtomicBoolean();
        final ReplicationSource failing = over(backlog, offset -> {
            final JournalCursor cursor = backlog.cursor(offset);
            return cursor == null ? null : new JournalCursor() {
                @Override
                public int read(byte[] dst, int at, int length) throws IOException {
                    if (failNext.compareAndSet(true, false)) {
                        throw new IOException("disk read failed (test)");
                    }
                    return cursor.read(dst, at, length);
                }

                @Override
                public void await(long timeoutMillis) throws InterruptedException {
                    cursor.await(timeoutMillis);
                }
            };
        });
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(failing).listener(listener))) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            replica.awaitReplicaInSync(30_000);
            backlog.appendCommand("INCR", "counter");
            Await.until("the first INCR", () -> counter(replica) == 1, 30_000);
            failNext.set(true);
            backlog.appendCommand("INCR", "counter");
            Await.until("the failure reported", () -> errors.size() == 1, 30_000);
            assertTrue(errors.get(0).startsWith("replica-127.0.0.1:") && errors.get(0).endsWith(
                "the replication source failed: java.io.IOException: disk read failed (test)"), errors.get(0));
            Await.until("the replica back, continued from its offset", () -> server.partialResyncs() == 1, 30_000);
            Await.until("the second INCR once", () -> counter(replica) == 2, 30_000);
            backlog.appendCommand("INCR", "counter");
            Await.until("and the next", () -> counter(replica) == 3, 30_000);
            assertEquals(1, server.fullResyncs());
        }
        assertEquals(1, errors.size(), errors.toString());
    }

    @Test
    void shouldResyncInFullWhenTheSourceHoldsNoCommandBoundaryAtTheAskedOffset() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        final Snapshot snapshot = Snapshots.fresh(dir.resolve("s.rdb"), 10);
        backlog.snapshot(snapshot);
        backlog.appendCommand("SET", "k", "v");
        // as the ReplicationSource contract allows: no cursor inside a command
        final ReplicationSource boundaries = over(backlog,
            offset -> offset == 0 || offset == backlog.endOffset() ? backlog.cursor(offset) : null);
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(boundaries).listener(listener));
            Socket client = new Socket("127.0.0.1", server.port())) {
            client.setSoTimeout(30_000);
            client.getOutputStream().write(("PSYNC " + snapshot.replid() + " 3\r\n").getBytes(StandardCharsets.US_ASCII));
            final BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("+FULLRESYNC " + snapshot.replid() + " 0", in.readLine(), "offset 3 is inside the SET");
            Await.until("counted", () -> server.fullResyncs() == 1);
            assertEquals(0, server.partialResyncs());
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldShowAcksBeyondWhatWasSentAsBadAcksAndNotBelieveThem() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshot.of(Snapshot.newReplid(), 0, 0, () -> new java.io.ByteArrayInputStream(new byte[0])));
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).listener(listener));
            Socket client = new Socket("127.0.0.1", server.port())) {
            client.setSoTimeout(30_000);
            client.getOutputStream().write("REPLCONF listening-port 7777\r\nPSYNC ? -1\r\n".getBytes(StandardCharsets.US_ASCII));
            final BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("+OK", in.readLine());
            assertTrue(in.readLine().startsWith("+FULLRESYNC "));
            assertEquals("$0", in.readLine(), "an empty snapshot: the stream follows at once");
            Await.until("loading", () -> server.replicas().size() == 1 && server.replicas().get(0).state() == ReplicaStatus.State.LOADING);
            client.getOutputStream().write("REPLCONF ACK -5\r\nREPLCONF ACK 99999\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("two ACKs ignored", () -> server.replicas().get(0).badAcks() == 2);
            assertEquals(-1, server.replicas().get(0).ackedOffset(), "not believed");
            client.getOutputStream().write("REPLCONF ACK 0\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("a true ACK believed", () -> server.replicas().get(0).ackedOffset() == 0);
            assertEquals(2, server.replicas().get(0).badAcks());
            assertEquals(7777, server.replicas().get(0).listeningPort());
        }
        assertEquals(List.of(), errors);
    }
}
