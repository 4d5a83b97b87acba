package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Issue 12 point 5: a shard journal cut short or with damaged bytes (a disk's doing) is found at
 * start. Damage past what the last checkpoint saw is cut off (the master's stream brings those
 * commands again) and replicas within the good entries continue; damage before it sets the journal
 * aside and the shard takes a new snapshot. Either way every replica ends equal to the master
 * (INCR counters and RPUSH sequences show a lost or repeated command) instead of stranded.
 */
class JournalDamageIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldSetATruncatedJournalAsideAndGiveItsShardANewSnapshot() throws Exception {
        run(file -> {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(600 * 1024); // about half of the 1.3 MB of entries are gone
            }
        });
    }

    @Test
    void shouldSetAJournalWithDamagedBytesAsideAndGiveItsShardANewSnapshot() throws Exception {
        run(file -> {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                for (long at = 300 * 1024; at < 900 * 1024; at += 4096) { // inside the 1.3 MB of entries
                    f.seek(at);
                    f.write(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x7f, 0x00, 0x11});
                }
            }
        });
    }

    @Test
    void shouldGiveAShardANewSnapshotWhenAReplicaFindsItsJournalDamagedWhileTheRouterRuns() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "64mb"));
        final int port = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + port + " regex=^a\n", "test");
        try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port));
            replica.awaitReplicaInSync(20_000);
            replica.kill(); // it comes back empty: a full resync that reads the journal from the snapshot on
            for (int i = 0; i < 20_000; i++) {
                master.call("INCR", "a:counter:" + (i % 10));
                master.call("RPUSH", "a:seq", i);
            }
            Await.until("the journal to hold every write", () -> router.upstream().offset() >= master.replicationOffset(), 30_000);
            try (RandomAccessFile f = new RandomAccessFile(lastCq4().toFile(), "rw")) {
                for (long at = 300 * 1024; at < 900 * 1024; at += 4096) { // the router maps this file: it sees the damage
                    f.seek(at);
                    f.write(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x7f, 0x00, 0x11});
                }
            }
            replica.startAgain();
            Await.until("a new snapshot of the master", () -> router.upstream().fullSyncs() >= 2, 30_000);
            master.call("RPUSH", "a:seq", "after");
            DatasetComparison.of(master, List.of(replica), key -> 0).awaitEqual("after the damage found while running", 30_000);
        }
    }

    @Test
    void shouldCutAJournalTruncatedInsideItsLastEntryBackAndLetAReplicaWithinItContinue() throws Exception {
        runCutBack((file, marker) -> {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(marker + 3); // a file cut short inside the last entry (Chronicle's length word stays)
            }
        });
    }

    @Test
    void shouldCutBackALastEntryWithACorruptByteAndLetAReplicaWithinItContinue() throws Exception {
        runCutBack((file, marker) -> {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.seek(marker + MARKER.length()); // the CR after the last entry's last argument
                f.write('x');
            }
        });
    }

    private static final String MARKER = "the-last-entry-of-shard-a";

    interface TailDamage {
        void apply(Path cq4, long markerPosition) throws Exception;
    }

    /**
     * Shards a and b. Replica a1 stops (SAVE, kill: it keeps its replid and offset) while shard a's
     * journal is within what a checkpoint saw; more writes follow, the last of shard a the marker,
     * and replica a2 and b's replica get all of them. The router stops; its checkpoint goes back to
     * the one a1's offset is within (as after a kill -9 between appends and the next checkpoint),
     * and the marker's entry is damaged. At restart the journal of a is cut back to the entry
     * before the marker; the master's stream (PSYNC from the checkpoint) brings the marker again;
     * a1 continues, a2 (which received what was cut) gets a full resync, and all equal the master.
     */
    private void runCutBack(TailDamage damage) throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "64mb"));
        final int portA = FreePort.find();
        final int portB = FreePort.find();
        final RouterConfig config = io.redisreplica.router.config.ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + portA + " regex=^a\nshard b 127.0.0.1:" + portB + " regex=^b\n", "test");
        final DatasetComparison.KeyOwner owner = (db, key) -> key[0] == 'a' ? 0 : key[0] == 'b' ? 1 : DatasetComparison.NO_SHARD;
        final RedisServer a1;
        final RedisServer a2;
        final RedisServer b;
        final byte[] checkpointWithinA1;
        try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
            a1 = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portA));
            a2 = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portA));
            b = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portB));
            writes(master, 0, 2_000);
            Await.until("the journal to hold every write", () -> router.upstream().offset() >= master.replicationOffset(), 30_000);
            final long endA = router.shards().get(0).journal().endOffset();
            Await.until("a1 to have shard a", () -> a1.replicationOffset() >= endA, 30_000);
            a1.save(); // with its replid and offset: it continues with PSYNC when started again
            a1.kill();
            Await.until("a checkpoint that saw all of it", () -> router.checkpoint().shards().get("a").journalEnd() >= endA
                && router.checkpoint().upstreamOffset() >= master.replicationOffset(), 10_000);
            checkpointWithinA1 = Files.readAllBytes(dir.resolve("journal").resolve("checkpoint"));
            writes(master, 2_000, 4_000);
            master.call("RPUSH", "a:seq", MARKER);
            Await.until("the journal to hold every write", () -> router.upstream().offset() >= master.replicationOffset(), 30_000);
            DatasetComparison.of(master, List.of(a2, b), owner).awaitEqual("before the damage", 30_000);
        }
        Files.write(dir.resolve("journal").resolve("checkpoint"), checkpointWithinA1); // as if killed before the next checkpoint
        final Path cq4 = lastCq4();
        final long marker = find(cq4, MARKER);
        assertTrue(marker > 0, "the marker is in " + cq4);
        damage.apply(cq4, marker);
        for (int i = 0; i < 100; i++) {
            master.call("INCR", "a:counter:" + (i % 10));
            master.call("INCR", "b:counter:" + (i % 10));
        }
        try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
            assertEquals(1, router.journalTailsCut(), "the damaged tail was cut back");
            assertEquals(0, router.journalsSetAside());
            try (Stream<Path> damaged = Files.list(dir.resolve("journal").resolve("damaged"))) {
                assertEquals(1, damaged.count(), "the damaged original is kept for the operator");
            }
            a1.startAgain();
            master.call("RPUSH", "a:seq", "after");
            master.call("RPUSH", "b:seq", "after");
            DatasetComparison.of(master, List.of(a1, b), owner).awaitEqual("a1 after the cut back", 30_000);
            DatasetComparison.of(master, List.of(a2, b), owner).awaitEqual("a2 after the cut back", 30_000);
            assertEquals(0, router.upstream().fullSyncs(), "no new snapshot: the master continued from the checkpoint");
            assertEquals(1, router.shards().get(0).partialResyncs(), "a1 continued within the good entries");
            assertEquals(1, router.shards().get(0).fullResyncs(), "a2 had received what was cut: a full resync");
            final String a1Log = Files.readString(a1.dir().resolve("redis.log"));
            assertEquals(1, a1Log.split("Full resync from master", -1).length - 1, "a1 synced in full only the first time:\n" + a1Log);
            assertTrue(a1Log.contains("Successful partial resynchronization with master"), a1Log);
        }
    }

    /** INCR counters and RPUSH sequences on both shards: a lost or repeated command shows. */
    private static void writes(RedisServer master, int from, int to) {
        for (int i = from; i < to; i++) {
            master.call("INCR", "a:counter:" + (i % 10));
            master.call("RPUSH", "a:seq", i);
            master.call("INCR", "b:counter:" + (i % 10));
            master.call("RPUSH", "b:seq", i);
        }
    }

    private static long find(Path file, String needle) throws Exception {
        return io.redisreplica.testkit.FileBytes.last(file, needle);
    }

    private Path lastCq4() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("journal").resolve("a"))) {
            final List<Path> all = files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
            return all.get(all.size() - 1);
        }
    }

    private String checkpointText() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
            final StringBuilder sb = new StringBuilder();
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("checkpoint")).toList()) {
                sb.append(p.getFileName()).append(":\n").append(Files.readString(p));
            }
            return sb.toString();
        }
    }

    interface Damage {
        void apply(Path cq4) throws Exception;
    }

    private void run(Damage damage) throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "64mb"));
        final int port = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + port + " regex=^a\n", "test");
        final RedisServer replica;
        try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
            replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port));
            replica.awaitReplicaInSync(20_000);
            for (int i = 0; i < 20_000; i++) {
                master.call("INCR", "a:counter:" + (i % 10));
                master.call("RPUSH", "a:seq", i);
            }
            Await.until("the journal to hold every write", () -> router.upstream().offset() >= master.replicationOffset(), 30_000);
            Thread.sleep(400); // a checkpoint after the last commit
        }
        final Path cq4;
        try (Stream<Path> files = Files.list(dir.resolve("journal").resolve("a"))) {
            final List<Path> all = files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
            cq4 = all.get(all.size() - 1);
        }
        final String checkpointBefore = checkpointText();
        damage.apply(cq4);
        for (int i = 0; i < 100; i++) {
            master.call("INCR", "a:counter:" + (i % 10));
        }
        try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
            assertEquals(1, router.journalsSetAside(), "the damaged journal was found at start; checkpoint:\n" + checkpointBefore);
            assertTrue(Files.isDirectory(dir.resolve("journal").resolve("damaged")), "and kept aside for inspection");
            master.call("RPUSH", "a:seq", "after");
            DatasetComparison.of(master, List.of(replica), key -> 0).awaitEqual("after the damaged journal", 30_000);
        }
    }
}
