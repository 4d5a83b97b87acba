package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.Journal;
import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisCluster;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * {@code replay} into targets that cannot be replicas: the shard's snapshot first (RESTORE), then
 * its journal, so an empty target ends equal to the master's keys of the shard, every type, every
 * db, TTLs included; resumable when killed inside the snapshot load (a cluster's too); a target
 * that holds keys is refused unless told what to do with them; {@code --follow} keeps a target in
 * step.
 */
class ReplaySnapshotIntegrationTest {
    private static final String CHECKPOINT = "redis-replica:replay:a";

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private RedisServer master;
    private Router router;

    /** Shard a holds the master's "a:" keys: every other key belongs to no target here. */
    private static int ownerOfA(int db, byte[] key) {
        return new String(key).startsWith("a:") ? 0 : DatasetComparison.NO_SHARD;
    }

    /** A master with every type in two dbs (a 6 MB string past the loader's heap part), the router's snapshot of it, then live writes. */
    private Path startRouter(int extraKeys) throws Exception {
        master = redis.start();
        try (RedisClient c = master.client()) {
            final byte[] big = new byte[6 << 20];
            new Random(1).nextBytes(big);
            c.call("SET", "a:big", big);
            c.call("SET", "a:ttl", "soon", "PX", "3600000");
            c.call("HSET", "a:hash", "f1", "v1", "f2", "v2");
            c.call("RPUSH", "a:list", "x", "y", "z");
            c.call("SADD", "a:set", "m1", "m2");
            c.call("ZADD", "a:zset", "1.5", "one", "2", "two");
            c.call("XADD", "a:stream", "1-1", "f", "v");
            c.call("XGROUP", "CREATE", "a:stream", "g", "0");
            c.call("SET", "b:other", "not shard a");
            c.call("SELECT", "3");
            c.call("SET", "a:in3", "db three");
            c.call("SELECT", "0");
            for (int i = 0; i < extraKeys; i++) {
                c.call("SET", "a:k" + i, "v" + i);
            }
        }
        final Path journal = dir.resolve("journal");
        router = Router.start(ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + journal + "\nshard a 127.0.0.1:"
            + FreePort.find() + " prefix=a:\nshard b 127.0.0.1:" + FreePort.find() + " prefix=b:\n", "test"), CrossShardPolicy.LOG);
        Await.until("shard a's first snapshot", () -> router.shards().get(0).snapshotOffset() >= 0);
        try (RedisClient c = master.client()) { // after the snapshot: in the journal only
            c.call("INCR", "a:counter");
            c.call("RPUSH", "a:list", "after");
            c.call("DEL", "a:set");
            c.call("SELECT", "3");
            c.call("SET", "a:in3", "changed");
        }
        awaitJournaled();
        return journal;
    }

    private void awaitJournaled() {
        Await.until("the master's writes journaled", () -> router.upstream().offset() >= master.replicationOffset());
    }

    private void assertTargetEqualsShardA(RedisServer target) {
        target.call("DEL", CHECKPOINT, CHECKPOINT + ":epoch"); // the replay's own bookkeeping, not the shard's data
        DatasetComparison.of(master, List.of(target), ReplaySnapshotIntegrationTest::ownerOfA).assertEqual("target after replay");
    }

    @Test
    void shouldLoadTheSnapshotThenTheJournalIntoAnEmptyTarget() throws Exception {
        final Path journal = startRouter(0);
        try {
            final RedisServer target = redis.start();
            final Cli replay = Cli.run("replay", journal.toString(), "-s", "a", "-t", "127.0.0.1:" + target.port(), "--quiet");
            assertEquals(0, replay.exit(), replay.err() + replay.out());
            assertTrue(replay.err().contains("snapshot of shard a loaded: 8 keys restored, 0 already there and skipped, 0 expired"),
                replay.err());
            try (RedisClient c = target.client()) {
                final long ttl = c.callLong("PTTL", "a:ttl");
                assertTrue(ttl > 3_500_000, "the snapshot's absolute expiry came along: " + ttl);
            }
            assertTargetEqualsShardA(target);
            final Cli again = Cli.run("replay", journal.toString(), "-s", "a", "-t", "127.0.0.1:" + target.port(), "--quiet",
                "--checkpoint-key", "other");
            assertNotEquals(0, again.exit(), "a target that holds keys is refused without --replace or --skip-existing");
            assertTrue(again.err().contains("pass --replace"), again.err());
        } finally {
            router.close();
        }
    }

    @Test
    void shouldKeepOrReplaceWhatATargetAlreadyHoldsAsTold() throws Exception {
        final Path journal = startRouter(0);
        try {
            final RedisServer kept = redis.start();
            kept.call("SET", "a:hash", "the target's own");
            final Cli skip = Cli.run("replay", journal.toString(), "-s", "a", "-t", "127.0.0.1:" + kept.port(), "--quiet",
                "--skip-existing");
            assertEquals(0, skip.exit(), skip.err());
            assertTrue(skip.err().contains("7 keys restored, 1 already there and skipped"), skip.err());
            assertEquals("the target's own", get(kept, "a:hash"));
            final RedisServer replaced = redis.start();
            replaced.call("SET", "a:hash", "the target's own");
            final Cli replace = Cli.run("replay", journal.toString(), "-s", "a", "-t", "127.0.0.1:" + replaced.port(), "--quiet",
                "--replace");
            assertEquals(0, replace.exit(), replace.err());
            assertTargetEqualsShardA(replaced);
        } finally {
            router.close();
        }
    }

    @Test
    void shouldResumeASnapshotLoadKilledHalfWayExactlyOnce() throws Exception {
        final Path journal = startRouter(5000);
        try {
            final RedisServer target = redis.start();
            final Process p = replayProcess(journal, target.port(), "--batch", "2");
            final long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline && p.isAlive() && get(target, CHECKPOINT + ":snapshot") == null) {
                Thread.sleep(2);
            }
            p.destroyForcibly();
            p.waitFor();
            final String marker = get(target, CHECKPOINT + ":snapshot");
            assertNotNull(marker, "killed inside the snapshot load: " + Files.readString(dir.resolve("replay.log")));
            final Cli rest = Cli.run("replay", journal.toString(), "-s", "a", "-t", "127.0.0.1:" + target.port(), "--quiet");
            assertEquals(0, rest.exit(), rest.err());
            assertTrue(rest.err().contains("(resumed after "), rest.err());
            assertTargetEqualsShardA(target);
        } finally {
            router.close();
        }
    }

    @Test
    void shouldResumeASnapshotLoadIntoAClusterKilledHalfWayExactlyOnce() throws Exception {
        master = redis.start();
        try (RedisClient c = master.client()) { // db 0 only: a cluster has no other
            for (int i = 0; i < 5000; i++) {
                c.call("SET", "a:k" + i, "v" + i);
            }
            c.call("HSET", "a:hash", "f1", "v1");
            c.call("SET", "b:other", "not shard a");
        }
        final Path journal = dir.resolve("journal");
        router = Router.start(ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + journal + "\nshard a 127.0.0.1:"
            + FreePort.find() + " prefix=a:\nshard b 127.0.0.1:" + FreePort.find() + " prefix=b:\n", "test"), CrossShardPolicy.LOG);
        try {
            Await.until("shard a's first snapshot", () -> router.shards().get(0).snapshotOffset() >= 0);
            master.call("INCR", "a:counter"); // after the snapshot: in the journal only
            awaitJournaled();
            final RedisCluster cluster = RedisCluster.start(redis, 3);
            // the load's marker: the checkpoint of slot 0, as the cluster load keeps it
            final RedisServer markerNode = cluster.nodes().get(cluster.nodeOfSlot(0));
            final String marker = SlotTags.key(0, CHECKPOINT) + ":snapshot";
            final Process p = replayProcess(journal, cluster.nodes().get(0).port(), "--batch", "2");
            final long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline && p.isAlive() && get(markerNode, marker) == null) {
                Thread.sleep(2);
            }
            p.destroyForcibly();
            p.waitFor();
            assertNotNull(get(markerNode, marker), "killed inside the snapshot load: " + Files.readString(dir.resolve("replay.log")));
            final Cli rest = Cli.run("replay", journal.toString(), "-s", "a", "-t", "127.0.0.1:" + cluster.nodes().get(1).port(), "--quiet");
            assertEquals(0, rest.exit(), rest.err());
            assertTrue(rest.err().contains("(resumed after "), rest.err());
            for (RedisServer node : cluster.nodes()) { // the replay's own bookkeeping, not the shard's data
                try (RedisClient c = node.client()) {
                    for (Object key : (List<?>) c.call("KEYS", "*" + CHECKPOINT + "*")) {
                        c.call("DEL", key);
                    }
                }
            }
            DatasetComparison.of(master, cluster.nodes(), (db, key) -> new String(key).startsWith("a:") ? cluster.nodeOf(key)
                : DatasetComparison.NO_SHARD).databases(1).assertEqual("cluster after a resumed load");
        } finally {
            router.close();
        }
    }

    @Test
    void shouldFollowTheJournalAsTheRouterAppendsToIt() throws Exception {
        final Path journal = startRouter(0);
        try (Journal j = JournalCommand.open(journal)) {
            final RedisServer target = redis.start();
            final ReplayEngine engine = new ReplayEngine(new ReplayEngine.Options(j, "a", null, null, null, "127.0.0.1", target.port(),
                null, null, 100, CHECKPOINT, new ReplayEngine.Snapshot(journal.resolve("snapshots").resolve("a.rdb"),
                    SnapshotLoader.Existing.FAIL), new ReplayEngine.Follow(ReplayEngine.NewSnapshot.STOP, () -> JournalCommand.open(journal))));
            final Thread follow = new Thread(() -> {
                try {
                    engine.run(new ReplayEngine.Listener() {
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "follow");
            follow.start();
            try {
                for (int i = 0; i < 200; i++) {
                    master.call("INCR", "a:followed");
                }
                awaitJournaled();
                Await.until("the target follows the journal", () -> "200".equals(get(target, "a:followed")));
            } finally {
                follow.interrupt();
                follow.join();
            }
            assertTargetEqualsShardA(target);
        } finally {
            router.close();
        }
    }

    private static String get(RedisServer server, String key) {
        try (RedisClient c = server.client()) {
            return c.callString("GET", key);
        }
    }

    private Process replayProcess(Path journal, int port, String... extra) throws Exception {
        final List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-exports") || arg.startsWith("--add-opens") || arg.startsWith("-Dchronicle")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "replay", journal.toString(), "-s", "a",
            "-t", "127.0.0.1:" + port, "--quiet"));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("replay.log").toFile()).start();
    }
}
