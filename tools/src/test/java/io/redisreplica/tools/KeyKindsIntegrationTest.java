package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Event kinds ({@code kinds=}) with real servers: a Redis stream sink sees add, change, del,
 * expire, rename and flush exactly as the test's model of the key space says, across two SIGKILLs
 * of the router while it delivers (the key index rebuilt from the snapshot and the journal), a full
 * resync of the master made while the router is down (the keys of the new snapshot make no events,
 * and the index knows them: a write to one is a change, to a key deleted meanwhile an add; a
 * second sink with {@code kinds=load} gets one load event per key of that snapshot), and FLUSHDB.
 */
class KeyKindsIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    /** Per key, the events the sink must deliver: "KIND TYPE". */
    private final Map<String, List<String>> model = new TreeMap<>();
    /** The master's keys and their types, as the test made them. */
    private final Map<String, String> keys = new HashMap<>();
    private final Random random = new Random(17);
    private int step;

    @Test
    void shouldTellEveryKindRightAcrossRouterKillsAFullResyncAndFlushdb() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "64mb", "enable-debug-command", "yes"));
        final RedisServer target = redis.start();
        final int adminPort = FreePort.find();
        final Path config = Files.writeString(dir.resolve("router.conf"), "upstream 127.0.0.1:" + master.port() + "\njournal "
            + dir.resolve("journal") + "\nadmin 127.0.0.1:" + adminPort + "\nshard s0 127.0.0.1:" + FreePort.find()
            + " slots=0-8191\nshard s1 127.0.0.1:" + FreePort.find() + " slots=8192-16383\nsink events xadd 127.0.0.1:" + target.port()
            + " events kinds=add,change,del,expire,rename,flush batch=20\nsink loads xadd 127.0.0.1:" + target.port()
            + " loads kinds=load\n");
        final RouterProcess routers = new RouterProcess(dir);
        Process router = routers.start(config);
        try {
            routers.awaitStreaming(0);
            for (int kill = 0; kill < 2; kill++) {
                write(master, 300);
                router.destroyForcibly(); // SIGKILL while the sink delivers the burst
                router.waitFor();
                write(master, 150); // the master's backlog holds these
                router = routers.start(config);
                routers.awaitStreaming(routers.starts() - 1);
            }
            write(master, 200);
            Await.until("the sinks to catch up before the full resync", () -> caughtUp(adminPort), 60_000);
            router.destroyForcibly();
            router.waitFor();
            // while the router is down: changes it will only see in the master's next snapshot
            // string keys only: a hash's name stays a hash's, for HSET
            final List<String> present = new ArrayList<>(keys.keySet().stream().filter(k -> !k.endsWith(":h")).sorted().toList());
            try (RedisClient c = master.client()) {
                for (int i = 0; i < Math.min(20, present.size()); i++) {
                    final String gone = present.get(i);
                    c.call("DEL", gone);
                    keys.remove(gone);
                }
                for (int i = 0; i < 20; i++) {
                    c.call("SET", "{new" + i + "}", "loaded");
                    keys.put("{new" + i + "}", "string");
                }
                c.call("DEBUG", "CHANGE-REPL-ID"); // the router's PSYNC cannot continue: a full resync
            }
            final Map<String, String> loaded = new TreeMap<>(keys);
            router = routers.start(config);
            routers.awaitStreaming(routers.starts() - 1);
            Await.until("the full resync", () -> logged(routers.log(routers.starts() - 1), "full sync done"), 30_000);
            Await.until("a load event per key of the new snapshot", () -> xlen(target, "loads") >= loaded.size(), 30_000);
            try (RedisClient c = master.client()) {
                for (int i = 0; i < 20; i++) {
                    if (i < present.size()) {
                        set(c, present.get(i)); // deleted while the router was down: add
                    }
                    set(c, "{new" + i + "}"); // in the snapshot: change
                }
            }
            write(master, 200);
            master.call("FLUSHDB");
            expect("(flush) s0", "flush null");
            expect("(flush) s1", "flush null");
            keys.clear();
            write(master, 100);
            final int expected = model.values().stream().mapToInt(List::size).sum();
            Await.until(expected + " events in the stream", () -> xlen(target, "events") >= expected, 60_000);
            Await.until("every shard's sink delivered to the journal's end", () -> caughtUp(adminPort), 30_000);
            assertEquals(expected, xlen(target, "events"), "events in the stream");
            assertEquals(model, seen(target, "events"));
            // kinds=load: the keys of the full resync's snapshot, each once, with its type; nothing else
            final Map<String, List<String>> loads = new TreeMap<>();
            loaded.forEach((key, type) -> loads.put(key, List.of("load " + type)));
            assertEquals(loads, seen(target, "loads"));
        } finally {
            router.destroyForcibly();
        }
    }

    /** Runs {@code n} commands on random keys and records the events they must make. */
    private void write(RedisServer master, int n) {
        try (RedisClient c = master.client()) {
            for (int i = 0; i < n; i++) {
                final int k = random.nextInt(40);
                final String key = "{k" + k + "}";
                final String hash = "{k" + k + "}:h";
                final String renamed = "{k" + k + "}:r"; // the same slot: a RENAME within one shard
                final int pick = random.nextInt(100);
                if (pick < 12 && keys.containsKey(key)) {
                    c.call("DEL", key);
                    keys.remove(key);
                    expect(key, "del none");
                } else if (pick < 20 && keys.containsKey(key)) {
                    c.call("EXPIRE", key, "100000");
                    expect(key, "change string");
                } else if (pick < 28 && (keys.containsKey(key) || keys.containsKey(hash))) {
                    final String from = keys.containsKey(key) ? key : hash;
                    c.call("RENAME", from, renamed);
                    final String type = keys.remove(from);
                    keys.put(renamed, type);
                    expect(from, "rename_from none");
                    expect(renamed, "rename_to " + type);
                } else if (pick < 32 && keys.containsKey(renamed)) {
                    c.call("DEL", renamed);
                    keys.remove(renamed);
                    expect(renamed, "del none");
                } else if (pick < 35) {
                    c.call("SET", key, "short", "PX", "1");
                    expect(key, (keys.containsKey(key) ? "change" : "add") + " string");
                    // reading it expires it: the master sends DEL for it, an expiry to the sink
                    Await.until("the expiry of " + key, () -> c.callLong("EXISTS", key) == 0, 10_000);
                    keys.remove(key);
                    expect(key, "expire none");
                } else if (pick < 50) {
                    c.call("HSET", hash, "f", Integer.toString(step++));
                    expect(hash, (keys.containsKey(hash) ? "change" : "add") + " hash");
                    keys.put(hash, "hash");
                } else {
                    set(c, key);
                }
            }
        }
    }

    private void set(RedisClient c, String key) {
        c.call("SET", key, Integer.toString(step++));
        expect(key, (keys.containsKey(key) ? "change" : "add") + " string");
        keys.put(key, "string");
    }

    private void expect(String key, String event) {
        model.computeIfAbsent(key, k -> new ArrayList<>()).add(event);
    }

    /** The stream's events by key ("(flush) SHARD" for a flush), in stream order. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> seen(RedisServer target, String stream) {
        final Map<String, List<String>> seen = new TreeMap<>();
        try (RedisClient c = target.client()) {
            for (Object entry : (List<Object>) c.call("XRANGE", stream, "-", "+")) {
                final List<Object> fields = (List<Object>) ((List<Object>) entry).get(1);
                final Map<String, String> f = new HashMap<>();
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    f.put(text(fields.get(i)), text(fields.get(i + 1)));
                }
                final String key = f.containsKey("key") ? f.get("key") : "(flush) " + f.get("shard");
                seen.computeIfAbsent(key, k -> new ArrayList<>()).add(f.get("event") + " " + f.getOrDefault("type", "null"));
            }
        }
        return seen;
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private static long xlen(RedisServer target, String stream) {
        try (RedisClient c = target.client()) {
            return c.callLong("XLEN", stream);
        }
    }

    private static boolean logged(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether INFO sinks shows both sinks running on both shards with nothing left to deliver. */
    private static boolean caughtUp(int admin) {
        try (RedisClient c = new RedisClient("127.0.0.1", admin)) {
            final String info = c.callString("INFO", "sinks");
            return info.split("state=running").length == 5 && info.split("lag_bytes=0,").length == 5;
        } catch (RuntimeException notUpYet) {
            return false;
        }
    }
}
