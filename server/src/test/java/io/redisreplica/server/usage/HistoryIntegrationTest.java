package io.redisreplica.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.server.JournalCursor;
import io.redisreplica.server.ReplicaStatus;
import io.redisreplica.server.ReplicationBacklog;
import io.redisreplica.server.ReplicationServer;
import io.redisreplica.server.ServerContext;
import io.redisreplica.server.ServerListener;
import io.redisreplica.server.Snapshot;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** A source's history as a Redis master keeps it (replid2 after a new id, damage), told to real replicas through the API only. */
class HistoryIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final ServerListener listener = new ServerListener() {
        @Override
        public void onError(String where, Throwable error, boolean fatal) {
            errors.add(where + ": " + error);
        }
    };

    /**
     * A backlog whose history may take a new replid without a new snapshot (as a Redis master
     * does after a failover, keeping the old one as replid2), and may say its journal is damaged.
     */
    private static final class Renamed extends BacklogSource {
        volatile String replid;
        volatile String previousReplid;
        volatile long previousReplidEnd = -1;
        volatile boolean damaged;
        /** Changes with each new replid: the cursors of the one before end, as the contract asks. */
        volatile int generation;

        Renamed(ReplicationBacklog backlog) {
            super(backlog);
        }

        /** A new replid from here on; the one before continues up to the current end. */
        void newReplid() {
            final String before = replid != null ? replid : backlog.snapshot().replid();
            previousReplidEnd = backlog.endOffset();
            previousReplid = before;
            replid = Snapshot.newReplid();
            generation++;
        }

        @Override
        public Snapshot snapshot() {
            final Snapshot s = backlog.snapshot();
            return s == null || replid == null ? s : Snapshot.of(replid, s.offset(), s.size(), s::open);
        }

        @Override
        public JournalCursor cursor(long offset) {
            final JournalCursor cursor = backlog.cursor(offset);
            final int opened = generation;
            return cursor == null ? null : new JournalCursor() {
                @Override
                public int read(byte[] dst, int at, int length) throws IOException {
                    return generation != opened ? END : cursor.read(dst, at, length);
                }

                @Override
                public void await(long timeoutMillis) throws InterruptedException {
                    cursor.await(timeoutMillis);
                }
            };
        }

        @Override
        public String previousReplid() {
            return previousReplid;
        }

        @Override
        public long previousReplidEnd() {
            return previousReplidEnd;
        }

        @Override
        public boolean damaged() {
            return damaged;
        }
    }

    private static String get(RedisServer replica, String key) {
        try (RedisClient c = replica.client()) {
            return c.callString("GET", key);
        }
    }

    @Test
    void shouldContinueAReplicaOfThePreviousReplidWithTheNewOne() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 10));
        final Renamed source = new Renamed(backlog);
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(source).listener(listener))) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            replica.awaitReplicaInSync(30_000);
            backlog.appendCommand("SET", "before", "1");
            Await.until("applied", () -> "1".equals(get(replica, "before")));
            // as a Redis master disconnects its replicas when it takes a new id: they reconnect with the old one
            source.newReplid();
            Await.until("continued with the old replid, told the new one", () -> server.partialResyncs() == 1, 30_000);
            Await.until("the replica took the new replid", () -> source.replid.equals(ServeToRedisReplicaIntegrationTest.field(replica,
                "master_replid")), 30_000);
            backlog.appendCommand("SET", "after", "2");
            Await.until("and streams on", () -> "2".equals(get(replica, "after")));
            assertEquals(1, server.fullResyncs());
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldFullyResyncAReplicaOfThePreviousReplidPastItsEnd() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        final Snapshot first = Snapshots.fresh(dir.resolve("s.rdb"), 10);
        backlog.snapshot(first);
        backlog.appendCommand("SET", "a", "1");
        final Renamed source = new Renamed(backlog);
        source.newReplid();
        backlog.appendCommand("SET", "b", "2");
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(source).listener(listener));
            java.net.Socket client = new java.net.Socket("127.0.0.1", server.port())) {
            client.setSoTimeout(30_000);
            // an offset past where the previous history ends: the bytes there are another history's
            client.getOutputStream().write(("PSYNC " + first.replid() + " " + (backlog.endOffset() + 1) + "\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            final java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals("+FULLRESYNC " + source.replid + " 0", in.readLine());
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldHoldReplicasWhileTheJournalIsDamagedAndResyncThemFromTheNextSnapshot() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 10));
        final Renamed source = new Renamed(backlog);
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(source).listener(listener))) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            replica.awaitReplicaInSync(30_000);
            source.damaged = true;
            replica.call("CLIENT", "KILL", "TYPE", "master");
            Await.until("held, not continued into the damage", () -> server.replicas().size() == 1
                && server.replicas().get(0).state() == ReplicaStatus.State.WAIT_SNAPSHOT, 30_000);
            assertEquals(0, server.partialResyncs());
            backlog.snapshot(Snapshots.fresh(dir.resolve("s2.rdb"), 20));
            source.damaged = false;
            Await.until("a full resync from the new snapshot", () -> server.fullResyncs() == 2, 30_000);
            Await.until("its keys loaded", () -> "value-19".equals(get(replica, "k:19")), 30_000);
            assertEquals(0, server.partialResyncs());
        }
        assertEquals(List.of(), errors);
    }
}
