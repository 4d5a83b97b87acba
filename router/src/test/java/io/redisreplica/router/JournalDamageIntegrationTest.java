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
 * start, set aside, and the shard takes a new snapshot, so its replica ends equal to the master
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
