package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisCluster;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * {@code compare} where the shards hold the master's keys as a router config makes them: under a
 * shard's {@code rewrite} name, and without what {@code drop} rules keep off (replicated through a
 * real router); and on a Redis Cluster a shard was replayed into. Equal data compares equal, a
 * planted difference is found.
 */
class CompareConfigIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor();
        }
    }

    private static void fill(RedisServer master, String... prefixes) {
        try (RedisClient m = master.client()) {
            for (String p : prefixes) {
                for (int i = 0; i < 200; i++) {
                    m.call("SET", p + "str" + i, "v" + i, "PX", 3_600_000);
                    m.call("RPUSH", p + "list" + i, "a", "b" + i);
                    m.call("HSET", p + "hash" + i, "f", "v" + i);
                    m.call("SET", p + "tmp:" + i, "dropped by key");
                }
            }
        }
    }

    @Test
    void shouldExpectKeysUnderTheirRewrittenNamesAndWithoutDroppedOnesAndFindAPlantedDifference() throws Exception {
        final RedisServer master = redis.start();
        fill(master, "");
        for (int i = 0; i < 50; i++) {
            master.call("SET", "note" + i, i % 2 == 0 ? "draft " + i : "final " + i);
        }
        final int admin = FreePort.find();
        final int[] ports = {FreePort.find(), FreePort.find()};
        final Path config = Files.writeString(dir.resolve("router.conf"), "upstream 127.0.0.1:" + master.port() + "\njournal "
            + dir.resolve("journal") + "\nadmin 127.0.0.1:" + admin + "\nshard s0 127.0.0.1:" + ports[0] + " slots=0-8191\nshard s1 127.0.0.1:"
            + ports[1] + " slots=8192-16383\nrewrite s1 add-prefix=x:\ndrop key=^tmp:\ndrop type=hash\ndrop value=^draft\n");
        final RouterProcess routers = new RouterProcess(dir);
        processes.add(routers.start(config));
        routers.awaitStreaming(0);
        final List<RedisServer> replicas = List.of(
            redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + ports[0])),
            redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + ports[1])));
        for (RedisServer r : replicas) {
            r.awaitReplicaInSync(30_000);
        }
        try (RedisClient m = master.client()) { // live writes after the snapshot, through the journal
            for (int i = 0; i < 100; i++) {
                m.call("INCR", "counter" + i);
                m.call("HSET", "hash-live" + i, "f", "v");
            }
        }
        final Cli synced = Cli.run("status", "-c", config.toString(), "--wait-synced", "--timeout", "30s");
        assertEquals(0, synced.exit(), synced.out() + synced.err());
        final String[] args = {"compare", "-c", config.toString(), "-s", "s0=127.0.0.1:" + replicas.get(0).port(), "-s",
            "s1=127.0.0.1:" + replicas.get(1).port(), "--pass-delay-ms", "200", "--quiet"};
        final Cli equal = Cli.run(args);
        assertEquals(0, equal.exit(), equal.out() + equal.err());
        assertTrue(equal.out().contains("every shard equals the master"), equal.out());

        final RedisServer s1 = replicas.get(1);
        s1.call("REPLICAOF", "NO", "ONE");
        final String missing = ownedBy(1, "str");
        s1.call("DEL", "x:" + missing);
        final String hash = ownedBy(1, "hash");
        s1.call("HSET", "x:" + hash, "f", "v");
        final String unrenamed = ownedBy(1, "list");
        s1.call("RPUSH", unrenamed, "a");
        String draft = null;
        for (int i = 0; draft == null; i += 2) {
            draft = TwoSlotShards.shardOf(("note" + i).getBytes()) == 1 ? "note" + i : null;
        }
        s1.call("SET", "x:" + draft, "draft again");
        final Cli found = Cli.run(args);
        assertEquals(1, found.exit(), found.out() + found.err());
        final String out = found.out();
        assertTrue(out.contains("4 difference(s)"), out);
        assertTrue(out.contains("\"" + draft + "\" (\"x:" + draft + "\" on the shard): on its shard (a string) but the config drops it (drop value=)"),
            out);
        assertTrue(out.contains("\"" + missing + "\" (\"x:" + missing + "\" on the shard): missing on its shard (master has a string)"), out);
        assertTrue(out.contains("\"" + hash + "\" (\"x:" + hash + "\" on the shard): on its shard (a hash) but the config drops it (drop type=hash)"),
            out);
        assertTrue(out.contains("\"" + unrenamed + "\": on shard s1 but no key it owns is renamed to it"), out);
    }

    /** A key of {@link #fill} named {@code kind} whose slot shard {@code shard} of two slot halves owns. */
    private static String ownedBy(int shard, String kind) {
        for (int i = 0; ; i++) {
            if (TwoSlotShards.shardOf((kind + i).getBytes()) == shard) {
                return kind + i;
            }
        }
    }

    @Test
    void shouldCompareAShardWithTheClusterItWasReplayedIntoAndFindAPlantedDifference() throws Exception {
        final RedisServer master = redis.start();
        fill(master, "a:", "b:");
        final RedisCluster cluster = RedisCluster.start(redis, 3);
        final Path config = Files.writeString(dir.resolve("router.conf"), "upstream 127.0.0.1:" + master.port() + "\njournal "
            + dir.resolve("journal") + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\nshard b 127.0.0.1:" + FreePort.find()
            + " prefix=b:\n");
        final RouterProcess routers = new RouterProcess(dir);
        processes.add(routers.start(config));
        routers.awaitStreaming(0);
        final String seed = "127.0.0.1:" + cluster.nodes().get(1).port();
        final Cli replay = Cli.run("replay", dir.resolve("journal").toString(), "-s", "a", "-t", seed, "--quiet");
        assertEquals(0, replay.exit(), replay.out() + replay.err());
        final String[] args = {"compare", "-c", config.toString(), "-s", "a=" + seed, "--pass-delay-ms", "200", "--quiet"};
        final Cli equal = Cli.run(args);
        assertEquals(0, equal.exit(), equal.out() + equal.err());
        assertTrue(equal.out().contains("compare: 800 keys compared") && equal.out().contains("(800 keys of shards not given not compared)"),
            equal.out());

        final String missing = "a:list7";
        cluster.nodes().get(cluster.nodeOf(missing.getBytes())).call("DEL", missing);
        final String stray = "b:str1";
        cluster.nodes().get(cluster.nodeOf(stray.getBytes())).call("SET", stray, "v1");
        final Cli found = Cli.run(args);
        assertEquals(1, found.exit(), found.out() + found.err());
        assertTrue(found.out().contains("2 difference(s)"), found.out());
        assertTrue(found.out().contains("\"a:list7\": missing on its shard (master has a list)"), found.out());
        assertTrue(found.out().contains("\"b:str1\": on shard a but owned by b"), found.out());
    }
}
