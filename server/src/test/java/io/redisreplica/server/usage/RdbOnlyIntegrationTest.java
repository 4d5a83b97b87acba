package io.redisreplica.server.usage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.server.ReplicationBacklog;
import io.redisreplica.server.ReplicationServer;
import io.redisreplica.server.ServerContext;
import io.redisreplica.server.ServerListener;
import io.redisreplica.server.Snapshot;

/** {@code redis-cli --rdb} against the server: the snapshot while it is current, keep-alives after it or not. */
class RdbOnlyIntegrationTest {
    @TempDir
    Path dir;

    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final ServerListener listener = new ServerListener() {
        @Override
        public void onError(String where, Throwable error, boolean fatal) {
            errors.add(where + ": " + error + (fatal ? " (fatal)" : ""));
        }
    };

    /** Runs {@code redis-cli --rdb} into {@code file}: its exit code and what it printed. */
    private static Result rdb(int port, Path file) throws Exception {
        final Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "--rdb", file.toString())
            .redirectErrorStream(true).start();
        final String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(cli.waitFor(), out);
    }

    private record Result(int exit, String output) {
    }

    @Test
    void shouldGiveRdbOnlyClientsTheSnapshotPastKeepAlivesAndRefuseItOnceAWriteFollows() throws Exception {
        final Path rdb = Snapshots.write(dir.resolve("s.rdb"), 20);
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshot.ofFile(Snapshot.newReplid(), 0, rdb));
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).listener(listener))) {
            backlog.ping(); // what the server's keep-alive appends while a replica streams
            backlog.ping();
            final Result fresh = rdb(server.port(), dir.resolve("fresh.rdb"));
            assertEquals(0, fresh.exit(), fresh.output());
            assertArrayEquals(Files.readAllBytes(rdb), Files.readAllBytes(dir.resolve("fresh.rdb")), fresh.output());
            io.redisreplica.testkit.Await.until("counted as a full sync, as Redis's sync_full counts it", () -> server.fullResyncs() == 1);

            final long write = backlog.endOffset();
            backlog.appendCommand("SET", "k:0", "changed");
            final Result stale = rdb(server.port(), dir.resolve("stale.rdb"));
            assertEquals(1, stale.exit(), stale.output());
            assertTrue(stale.output().contains("-ERR replication server snapshot is at offset 0 but its journal holds writes from offset " + write
                + " to " + backlog.endOffset() + ": an RDB of the snapshot would be stale"), stale.output());
        }
        assertEquals(List.of(), errors);
    }
}
