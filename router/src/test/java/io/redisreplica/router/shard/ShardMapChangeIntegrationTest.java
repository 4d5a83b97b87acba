package io.redisreplica.router.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.RedisValues;

/** Restarts with another shard map, with real servers: refused, or rebuilt exactly when accepted. */
class ShardMapChangeIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private final int portA = FreePort.find();
    private final int portB = FreePort.find();
    private final int portGone = FreePort.find();
    private final int portD = FreePort.find();

    private RouterConfig config(int masterPort, String shards) {
        return ConfigParser.parse("upstream 127.0.0.1:" + masterPort + "\njournal " + dir.resolve("journal") + "\n" + shards, "test");
    }

    /** Null when the replica holds exactly the master's keys the predicate claims (type and value), else the difference. */
    private static String difference(RedisServer master, RedisServer replica, Predicate<String> claims) {
        final Map<String, String> expected = new TreeMap<>();
        try (RedisClient m = master.client()) {
            for (String key : m.sortedKeys()) {
                if (claims.test(key)) {
                    expected.put(key, RedisValues.canonical(m, key));
                }
            }
        }
        final Map<String, String> actual = new TreeMap<>();
        try (RedisClient r = replica.client()) {
            for (String key : r.sortedKeys()) {
                actual.put(key, RedisValues.canonical(r, key));
            }
        }
        if (expected.equals(actual)) {
            return null;
        }
        final List<String> diff = new ArrayList<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                diff.add(k + " master=" + v + " replica=" + actual.get(k));
            }
        });
        actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> diff.add(k + " only on the replica"));
        return diff.size() + " keys differ: " + diff.subList(0, Math.min(5, diff.size()));
    }

    private static void awaitExact(RedisServer master, RedisServer replica, String regex, String when) {
        final Predicate<String> claims = Pattern.compile(regex).asPredicate();
        final String[] last = {null};
        try {
            Await.until(when + ": the replica holds exactly the master's keys of " + regex,
                () -> (last[0] = difference(master, replica, claims)) == null, 30_000);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + last[0], e);
        }
    }

    private static void fill(RedisServer master, String prefix, int n) {
        try (RedisClient c = master.client()) {
            for (int i = 0; i < n; i++) {
                c.call("SET", prefix + i, prefix + "value-" + i);
            }
            c.call("RPUSH", prefix + "list", "1", "2", "3");
            c.call("HSET", prefix + "hash", "f", "v", "g", "w");
            c.call("INCRBY", prefix + "counter", 7);
        }
    }

    private RedisServer replicaOf(int port) {
        return redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port));
    }

    @Test
    void shouldRefuseAChangedMapAndWhenAcceptedRebuildChangedAddedAndUnchangedShardsExactly() throws Exception {
        final RedisServer master = redis.start();
        for (String prefix : List.of("a:", "b:", "c:", "x:", "g:")) {
            fill(master, prefix, 30);
        }
        // b comes first, so a's new rule cannot take its keys: b is unchanged
        final String before = "shard b 127.0.0.1:" + portB + " regex=^b:\nshard a 127.0.0.1:" + portA + " regex=^a:\n"
            + "shard gone 127.0.0.1:" + portGone + " regex=^g:\n";
        final String after = "shard b 127.0.0.1:" + portB + " regex=^b:\nshard a 127.0.0.1:" + portA + " regex=^(a|c):\n"
            + "shard d 127.0.0.1:" + portD + " regex=^x:\n";
        final RedisServer ra;
        final RedisServer rb;
        try (Router router = Router.start(config(master.port(), before), CrossShardPolicy.LOG)) {
            ra = replicaOf(portA);
            rb = replicaOf(portB);
            final RedisServer rg = replicaOf(portGone);
            awaitExact(master, ra, "^a:", "first map");
            awaitExact(master, rb, "^b:", "first map");
            awaitExact(master, rg, "^g:", "first map");
            master.call("SET", "a:live", "1");
            master.call("SET", "c:live", "1");
            awaitExact(master, ra, "^a:", "first map, live");
            Await.until("the map in the checkpoint", () -> router.checkpoint().shardMapRecorded());
            assertEquals(ShardFingerprint.of(config(master.port(), before)), router.checkpoint().shardMap());
        }
        final String checkpoint = Files.readString(dir.resolve("journal/checkpoint"));

        final ShardMapChangedException refused = assertThrows(ShardMapChangedException.class,
            () -> Router.start(config(master.port(), after), CrossShardPolicy.LOG));
        assertEquals("the shard map differs from the one journal " + dir.resolve("journal") + " was built with; nothing was changed:"
            + "\n  changed: shard a (its rule: regex=^a: -> regex=^(a|c):)"
            + "\n  added: shard d (no snapshot yet)"
            + "\n  removed: shard gone (its journal is kept unless --remove-old-shards is given)"
            + "\nTo rebuild, start with --accept-shard-map-change: the router takes a full sync of the master, every shard gets a new"
            + " snapshot (so each shard's replicas get a full resync) and added and changed shards hold their new keys; the"
            + " journals of removed shards are kept unless --remove-old-shards is given too. Or start with the config the"
            + " journal was built with.", refused.getMessage());
        assertEquals(checkpoint, Files.readString(dir.resolve("journal/checkpoint")), "the refusal wrote nothing");
        assertFalse(Files.exists(dir.resolve("journal/d")));

        // writes while the router is down, of every shard old and new
        for (String prefix : List.of("a:", "b:", "c:", "x:", "g:")) {
            master.call("SET", prefix + "while-down", "1");
            master.call("DEL", prefix + "3");
        }
        final RedisServer rd;
        try (Router router = Router.start(config(master.port(), after), CrossShardPolicy.LOG, new ShardMapPolicy(true, false))) {
            rd = replicaOf(portD);
            awaitExact(master, ra, "^(a|c):", "changed shard a after the rebuild");
            awaitExact(master, rb, "^b:", "unchanged shard b after the rebuild");
            awaitExact(master, rd, "^x:", "added shard d");
            Await.until("the full sync's end", () -> router.upstream().fullSyncs() == 1);
            for (String prefix : List.of("a:", "b:", "c:", "x:")) {
                master.call("INCR", prefix + "counter");
                master.call("RPUSH", prefix + "list", "4");
                master.call("DEL", prefix + "5");
            }
            awaitExact(master, ra, "^(a|c):", "changed shard a, live");
            awaitExact(master, rb, "^b:", "unchanged shard b, live");
            awaitExact(master, rd, "^x:", "added shard d, live");
            assertEquals(1, router.upstream().fullSyncs(), "one full sync of the master rebuilt every shard");
            Await.until("the new map in the checkpoint",
                () -> router.checkpoint().shardMap().equals(ShardFingerprint.of(config(master.port(), after))));
            assertTrue(Files.isDirectory(dir.resolve("journal/gone")), "a removed shard's journal is kept without --remove-old-shards");
            assertTrue(Files.exists(dir.resolve("journal/snapshots/gone.rdb")));
            assertTrue(router.checkpoint().shards().containsKey("gone"));
        }
        // the map is recorded: the same config starts without the option, and without a full sync
        try (Router router = Router.start(config(master.port(), after), CrossShardPolicy.LOG)) {
            master.call("SET", "c:restarted", "1");
            awaitExact(master, ra, "^(a|c):", "after a plain restart");
            assertEquals(0, router.upstream().fullSyncs());
            assertTrue(Files.isDirectory(dir.resolve("journal/gone")));
        }
        try (Router router = Router.start(config(master.port(), after), CrossShardPolicy.LOG, new ShardMapPolicy(false, true))) {
            assertFalse(Files.exists(dir.resolve("journal/gone")), "--remove-old-shards deletes the journal");
            assertFalse(Files.exists(dir.resolve("journal/snapshots/gone.rdb")));
            assertFalse(router.checkpoint().shards().containsKey("gone"));
            master.call("SET", "x:removed", "1");
            awaitExact(master, rb, "^b:", "after removing the old shard");
            awaitExact(master, rd, "^x:", "after removing the old shard");
        }
    }

    @Test
    void shouldLoadACheckpointWithoutAMapAndGiveAnAddedShardASnapshotInsteadOfAnEndlessHandshake() throws Exception {
        final RedisServer master = redis.start();
        fill(master, "a:", 20);
        fill(master, "b:", 20);
        final String one = "shard a 127.0.0.1:" + portA + " regex=^a:\n";
        final RedisServer ra;
        try (Router router = Router.start(config(master.port(), one), CrossShardPolicy.LOG)) {
            ra = replicaOf(portA);
            awaitExact(master, ra, "^a:", "first map");
            Await.until("the map in the checkpoint", () -> router.checkpoint().shardMapRecorded());
        }
        // what the code before the map was recorded wrote: version 1, no map lines
        final Path file = dir.resolve("journal/checkpoint");
        final String old = Files.readString(file).replace("version 2\n", "version 1\n").replaceAll("(?m)^map .*\n", "");
        assertFalse(old.contains("map"), old);
        Files.writeString(file, old);

        master.call("SET", "b:while-down", "1");
        final int admin = FreePort.find();
        final String two = one + "shard b 127.0.0.1:" + portB + " regex=^b:\nadmin 127.0.0.1:" + admin + "\n";
        master.pause(); // hold the full sync, to see the new shard's replica wait in INFO
        try (Router router = Router.start(config(master.port(), two), CrossShardPolicy.LOG)) {
            final RedisServer rb = replicaOf(portB);
            try (RedisClient adminClient = new RedisClient("127.0.0.1", admin)) {
                Await.until("shard b's replica waiting for a snapshot in INFO", () -> {
                    final String info = adminClient.callString("INFO", "shards");
                    return info.contains("snapshot_waiting_for=full_sync(shard_added)")
                        && info.contains("shard_b_replica0:") && info.contains("state=wait_snapshot,waiting_for=snapshot(shard_added)");
                });
            } finally {
                master.resume();
            }
            awaitExact(master, rb, "^b:", "added shard b");
            awaitExact(master, ra, "^a:", "shard a");
            Await.until("the map recorded by the next checkpoint",
                () -> router.checkpoint().shardMap().equals(ShardFingerprint.of(config(master.port(), two))));
            try (RedisClient adminClient = new RedisClient("127.0.0.1", admin)) {
                assertFalse(adminClient.callString("INFO", "shards").contains("waiting_for"));
            }
        }
        assertTrue(Files.readString(file).contains("version 2\nupstream "), Files.readString(file));
    }

    @Test
    void shouldRemoveAShardWithoutAFullSyncWhenRemovalIsTheOnlyChangeAndTheOperatorAsksForIt() throws Exception {
        final RedisServer master = redis.start();
        fill(master, "a:", 20);
        fill(master, "g:", 20);
        final String one = "shard a 127.0.0.1:" + portA + " regex=^a:\n";
        final RedisServer ra;
        try (Router router = Router.start(config(master.port(), one + "shard gone 127.0.0.1:" + portGone + " regex=^g:\n"),
            CrossShardPolicy.LOG)) {
            ra = replicaOf(portA);
            awaitExact(master, ra, "^a:", "first map");
            Await.until("the map in the checkpoint", () -> router.checkpoint().shardMapRecorded());
        }
        final ShardMapChangedException refused = assertThrows(ShardMapChangedException.class,
            () -> Router.start(config(master.port(), one), CrossShardPolicy.LOG));
        assertTrue(refused.getMessage().contains("\n  removed: shard gone (its journal is kept unless --remove-old-shards is given)\n"
            + "No shard needs a new snapshot"), refused.getMessage());
        master.call("SET", "a:while-down", "1");
        try (Router router = Router.start(config(master.port(), one), CrossShardPolicy.LOG, new ShardMapPolicy(false, true))) {
            assertFalse(Files.exists(dir.resolve("journal/gone")));
            master.call("SET", "a:live", "1");
            awaitExact(master, ra, "^a:", "after the removal");
            assertEquals(0, router.upstream().fullSyncs(), "removing a shard costs no full sync");
            assertEquals(1, router.shards().get(0).partialResyncs(), "nor a full resync of the remaining shard's replica");
        }
    }

    @Test
    void shouldTakeAFullSyncWhenAShardsSnapshotCannotBeTrusted() throws Exception {
        final RedisServer master = redis.start();
        fill(master, "a:", 20);
        fill(master, "b:", 20);
        final String map = "shard a 127.0.0.1:" + portA + " regex=^a:\nshard b 127.0.0.1:" + portB + " regex=^b:\n";
        final RedisServer ra;
        final RedisServer rb;
        try (Router router = Router.start(config(master.port(), map), CrossShardPolicy.LOG)) {
            ra = replicaOf(portA);
            rb = replicaOf(portB);
            awaitExact(master, ra, "^a:", "first sync");
            awaitExact(master, rb, "^b:", "first sync");
            Await.until("the map in the checkpoint", () -> router.checkpoint().shardMapRecorded());
        }
        // a: as a router killed while it swapped snapshots leaves it (offset withdrawn); b: its file deleted
        final Path file = dir.resolve("journal/checkpoint");
        Files.writeString(file, Files.readString(file).replaceAll("(?m)^(shard a \\S+ \\d+) \\d+( -?\\d+)?$", "$1 -1$2"));
        assertTrue(Files.readString(file).matches("(?s).*\nshard a \\S+ 1 -1( -?\\d+)?\n.*"), Files.readString(file));
        Files.delete(dir.resolve("journal/snapshots/b.rdb"));
        master.call("INCR", "a:counter");
        master.call("INCR", "b:counter");
        master.pause(); // holds the full sync while the reasons are read
        try (Router router = Router.start(config(master.port(), map), CrossShardPolicy.LOG)) {
            try {
                assertEquals("snapshot_incomplete", router.shards().get(0).snapshotWait());
                assertEquals("snapshot_missing", router.shards().get(1).snapshotWait());
            } finally {
                master.resume();
            }
            Await.until("the full sync", () -> router.upstream().fullSyncs() == 1);
            awaitExact(master, ra, "^a:", "after the full sync");
            awaitExact(master, rb, "^b:", "after the full sync");
            assertEquals(2, router.shards().get(0).epoch(), "the epoch counts on");
        }
    }
}
