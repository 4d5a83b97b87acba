package io.redisreplica.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.server.GrowingSnapshot;
import io.redisreplica.server.ReplicaPolicy;
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

/** A snapshot served while it is written: to real replicas ({@code capa eof}) as it grows, to others once whole; through the API only. */
class GrowingSnapshotIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final ServerListener listener = new ServerListener() {
        @Override
        public void onError(String where, Throwable error, boolean fatal) {
            errors.add(where + ": " + error);
        }
    };
    private final ReplicaPolicy policy = new ReplicaPolicy() {
        @Override
        public boolean failed(String replica, String why) {
            failures.add(replica + " " + why);
            return false;
        }
    };

    /** A backlog with a snapshot being written beside it. */
    private static final class Growing extends BacklogSource {
        volatile GrowingSnapshot next;

        Growing() {
            super(new ReplicationBacklog(1 << 20));
        }

        @Override
        public GrowingSnapshot growingSnapshot() {
            return next;
        }
    }

    private static void append(Path file, byte[] bytes, int from, int to) throws IOException {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write(bytes, from, to - from);
        }
    }

    @Test
    void shouldStreamTheSnapshotAsItGrowsToAReplicaWithCapaEofAndSendItWholeToOneWithout() throws Exception {
        final byte[] rdb = Files.readAllBytes(Snapshots.write(dir.resolve("whole.rdb"), 20_000));
        final Path file = dir.resolve("growing.rdb");
        Files.createFile(file);
        final Growing source = new Growing();
        final GrowingSnapshot next = new GrowingSnapshot(file, Snapshot.newReplid(), 0);
        source.next = next;
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(source).listener(listener).policy(policy));
            Socket old = new Socket("127.0.0.1", server.port())) {
            old.setSoTimeout(30_000);
            // no capa eof (Redis before 2.8.18): it needs the size first, so it waits for the whole file
            old.getOutputStream().write("PSYNC ? -1\r\n".getBytes(StandardCharsets.US_ASCII));
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            Await.until("both held while nothing is written", () -> server.replicas().size() == 2, 30_000);
            append(file, rdb, 0, rdb.length / 2);
            next.written(rdb.length / 2);
            Await.until("the replica with capa eof takes it as it grows", () -> server.replicas().stream()
                .anyMatch(r -> r.state() == ReplicaStatus.State.FULL_SYNC), 30_000);
            assertTrue(server.replicas().stream().anyMatch(r -> r.state() == ReplicaStatus.State.WAIT_SNAPSHOT), server.replicas().toString());
            assertEquals(0, server.fullResyncs(), "not counted before it is sent whole");
            append(file, rdb, rdb.length / 2, rdb.length);
            source.backlog.snapshot(Snapshot.ofFile(next.replid(), 0, file));
            next.complete(rdb.length);
            replica.awaitReplicaInSync(30_000);
            source.backlog.appendCommand("SET", "after", "1");
            Await.until("the stream after it applied", () -> {
                try (RedisClient c = replica.client()) {
                    return "1".equals(c.callString("GET", "after"));
                }
            }, 30_000);
            try (RedisClient c = replica.client()) {
                assertEquals("value-19999", c.callString("GET", "k:19999"));
                assertEquals(next.replid(), ServeToRedisReplicaIntegrationTest.field(replica, "master_replid"));
            }
            final InputStream in = old.getInputStream();
            assertEquals("+FULLRESYNC " + next.replid() + " 0", lineAfterNewlines(in));
            assertEquals("$" + rdb.length, lineAfterNewlines(in), "the whole file, with its length");
            assertTrue(Arrays.equals(rdb, in.readNBytes(rdb.length)));
            Await.until("both counted", () -> server.fullResyncs() == 2, 30_000);
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldEndTheTransferBeforeItsMarkWhenTheSnapshotIsAbandonedAndCountNoFailure() throws Exception {
        final byte[] rdb = Files.readAllBytes(Snapshots.write(dir.resolve("whole.rdb"), 100));
        final Path file = dir.resolve("growing.rdb");
        Files.createFile(file);
        final Growing source = new Growing();
        final GrowingSnapshot next = new GrowingSnapshot(file, Snapshot.newReplid(), 0);
        source.next = next;
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(source).listener(listener).policy(policy));
            Socket client = new Socket("127.0.0.1", server.port())) {
            client.setSoTimeout(30_000);
            client.getOutputStream().write("REPLCONF capa eof\r\nPSYNC ? -1\r\n".getBytes(StandardCharsets.US_ASCII));
            final InputStream in = client.getInputStream();
            assertEquals("+OK", lineAfterNewlines(in));
            append(file, rdb, 0, 50);
            next.written(50);
            assertEquals("+FULLRESYNC " + next.replid() + " 0", lineAfterNewlines(in));
            final String eof = lineAfterNewlines(in);
            assertTrue(eof.startsWith("$EOF:") && eof.length() == 5 + 40, eof);
            assertTrue(Arrays.equals(Arrays.copyOf(rdb, 50), in.readNBytes(50)));
            next.abandon("the master's link broke (test)");
            assertEquals(-1, in.read(), "closed before the mark: the replica discards what it got");
            Await.until("the session ended", () -> server.replicas().isEmpty());
            assertEquals(0, server.fullResyncs());
        }
        assertEquals(List.of(), failures, "the source gave it up: no failure of the replica's");
        assertEquals(List.of(), errors);
    }

    /** The next line, past the newlines a master sends while it prepares an RDB. */
    private static String lineAfterNewlines(InputStream in) throws IOException {
        final StringBuilder line = new StringBuilder();
        while (true) {
            final int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("closed after \"" + line + "\"");
            }
            if (b == '\n' && line.length() == 0) {
                continue;
            }
            line.append((char) b);
            if (line.length() >= 2 && line.charAt(line.length() - 2) == '\r' && b == '\n') {
                return line.substring(0, line.length() - 2);
            }
        }
    }
}
