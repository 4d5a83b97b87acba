package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CommandRouter;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.RedisValues;

/**
 * Commands whose keys live in different shards, under a concurrent load that keeps changing
 * their destinations: RENAME, RPOPLPUSH/LMOVE, SMOVE, MSETNX, *STORE, SORT ... STORE, BITOP,
 * PFMERGE, COPY, cross-shard scripts, SELECT inside MULTI, a DEL of 3,000 keys, relative TTLs.
 * At the end every key of every db of each shard equals the master's, and no shard holds a key
 * of another; the translation counters show that the cross-shard path was taken.
 */
class CrossShardIntegrationTest {
    private static final int DBS = 3;

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldGiveEveryShardTheMastersKeysOfCrossShardCommandsOnRedis70() throws Exception {
        run(RedisBinary.local());
    }

    @Test
    void shouldGiveEveryShardTheMastersKeysOfCrossShardCommandsOnRedis28() throws Exception {
        run(RedisBinary.bundled("2.8.19"));
    }

    private void run(RedisBinary binary) throws Exception {
        final RedisServer master = redis.start(binary);
        workload(master, binary, 1, 200); // in the snapshot
        final SlotShards shards = new SlotShards(master, dir.resolve("journal"));
        final RouterConfig config = shards.config;
        try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
            final List<RedisServer> replicas = shards.replicas(redis, binary);
            final ExecutorService pool = Executors.newFixedThreadPool(2);
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                final int seed = 10 + t;
                done.add(pool.submit(() -> {
                    workload(master, binary, seed, 1500);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            bigDelete(master);
            Await.until("every shard equals the master in every db",
                () -> difference(master, replicas, config.shardMap()) == null, 30_000);
            final CommandRouter routing = router.upstream().router();
            assertTrue(routing.translated() > 100, "translated " + routing.translated());
            assertTrue(routing.translatedKeys() > 100, "keys read " + routing.translatedKeys());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + lastDifference, e);
        }
    }

    private String lastDifference;

    /** A DEL of 3,000 keys of all shards (more than any fixed key array held). */
    private static void bigDelete(RedisServer master) {
        try (RedisClient c = master.client()) {
            final List<Object> mset = new ArrayList<>(List.of("MSET"));
            final List<Object> del = new ArrayList<>(List.of("DEL"));
            for (int i = 0; i < 3000; i++) {
                mset.add("big" + i);
                mset.add("v");
                if (i % 3 != 0) {
                    del.add("big" + i);
                }
            }
            c.call(mset.toArray());
            c.call(del.toArray());
        }
    }

    /** Writes of every kind whose keys are spread over all shards (no hash tags). */
    static void workload(RedisServer master, RedisBinary binary, int seed, int ops) {
        final Random r = new Random(seed);
        final boolean v62 = binary.atLeast(6, 2);
        try (RedisClient c = master.client()) {
            for (int i = 0; i < ops; i++) {
                final String a = "k" + r.nextInt(30);
                final String b = "k" + r.nextInt(30);
                try {
                    op(c, r, i, a, b, v62);
                } catch (RedisClient.RedisErrorException e) {
                    // WRONGTYPE after a BITOP on a list and the like: the master refuses and propagates nothing
                }
            }
        }
    }

    private static void op(RedisClient c, Random r, int i, String a, String b, boolean v62) {
        switch (r.nextInt(18)) {
            case 0 -> c.call("SET", "s:" + a, "v" + i);
            case 1 -> {
                c.call("SET", "s:" + a, "v" + i);
                c.call("RENAME", "s:" + a, "s:" + b);
            }
            case 2 -> c.call("RPUSH", "l:" + a, "e" + i, "f" + i);
            case 3 -> {
                if (v62) {
                    c.call("LMOVE", "l:" + a, "l:" + b, "LEFT", "RIGHT");
                } else {
                    c.call("RPOPLPUSH", "l:" + a, "l:" + b);
                }
            }
            case 4 -> c.call("SADD", "set:" + a, "m" + r.nextInt(20), "n" + r.nextInt(20));
            case 5 -> c.call("SMOVE", "set:" + a, "set:" + b, "m" + r.nextInt(20));
            case 6 -> c.call("SUNIONSTORE", "set:" + a, "set:" + b, "set:k" + r.nextInt(30));
            case 7 -> c.call("ZADD", "z:" + a, r.nextInt(100), "m" + r.nextInt(30));
            case 8 -> c.call("ZUNIONSTORE", "z:" + a, 2, "z:" + b, "z:k" + r.nextInt(30));
            case 9 -> c.call("MSETNX", "nx:" + a + i, "1", "nx:" + b + i, "2");
            case 10 -> c.call("SORT", "l:" + a, "BY", "nosort", "STORE", "sorted:" + b);
            case 11 -> c.call("BITOP", "OR", "bits:" + a, "s:" + b, "s:k" + r.nextInt(30));
            case 12 -> c.call("PFADD", "hll:" + a, "x" + r.nextInt(1000));
            case 13 -> c.call("PFMERGE", "hll:" + a, "hll:" + b);
            case 14 -> c.call("EVAL", "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCR', KEYS[2])", 2,
                "lua:" + a, "lua:" + b, "v" + i);
            case 15 -> {
                c.call("MULTI");
                c.call("SELECT", 1);
                c.call("SET", "db1:" + a, "x" + i);
                c.call("SELECT", 2);
                c.call("INCR", "db2:" + b);
                c.call("SELECT", 0);
                c.call("EXEC");
            }
            case 16 -> {
                c.call("SETEX", "ttl:" + a, 3600, "v");
                c.call("EXPIRE", "s:" + b, 7200);
            }
            default -> {
                if (v62) {
                    c.call("COPY", "s:" + a, "copy:" + b, "DB", 1, "REPLACE");
                } else {
                    c.call("INCR", "n:" + a);
                }
            }
        }
    }

    /** Null when every key of every db is on its shard's replica and nowhere else, value-equal and TTL within 1.5 s. */
    private String difference(RedisServer master, List<RedisServer> replicas, ShardMap map) {
        for (int db = 0; db < DBS; db++) {
            final Map<String, String> expected = new TreeMap<>();
            final Map<String, Long> expectedTtl = new TreeMap<>();
            try (RedisClient m = master.client()) {
                m.call("SELECT", db);
                for (Object k : (List<?>) m.call("KEYS", "*")) {
                    final byte[] key = (byte[]) k;
                    final String name = map.shardOf(key, 0, key.length) + " " + new String(key, StandardCharsets.UTF_8);
                    expected.put(name, RedisValues.canonical(m, key));
                    expectedTtl.put(name, m.callLong("PTTL", key));
                }
            }
            final Map<String, String> actual = new TreeMap<>();
            final Map<String, Long> actualTtl = new TreeMap<>();
            for (int i = 0; i < replicas.size(); i++) {
                try (RedisClient c = replicas.get(i).client()) {
                    c.call("SELECT", db);
                    for (Object k : (List<?>) c.call("KEYS", "*")) {
                        final byte[] key = (byte[]) k;
                        final String name = i + " " + new String(key, StandardCharsets.UTF_8);
                        actual.put(name, RedisValues.canonical(c, key));
                        actualTtl.put(name, c.callLong("PTTL", key));
                    }
                }
            }
            for (Map.Entry<String, String> e : expected.entrySet()) {
                if (!e.getValue().equals(actual.get(e.getKey()))) {
                    return lastDifference = "db " + db + " shard/key " + e.getKey() + ": master " + e.getValue() + ", shard "
                        + actual.get(e.getKey());
                }
                final long want = expectedTtl.get(e.getKey());
                final long got = actualTtl.get(e.getKey());
                if ((want < 0 || got < 0) ? want != got : Math.abs(want - got) > 1500) {
                    return lastDifference = "db " + db + " shard/key " + e.getKey() + ": master PTTL " + want + ", shard " + got;
                }
            }
            for (String k : actual.keySet()) {
                if (!expected.containsKey(k)) {
                    return lastDifference = "db " + db + " shard/key " + k + " is only on the shard";
                }
            }
        }
        return lastDifference = null;
    }
}
