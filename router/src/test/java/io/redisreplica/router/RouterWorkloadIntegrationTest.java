package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Three shards by slot ranges under a concurrent random workload of every data type (MULTI/EXEC,
 * Lua, expiries, split multi-key commands): at the end each shard holds exactly the master's
 * keys of its slots, value-equal, and together they hold the master's keys. Master and shard
 * replicas are of the same version: 2.8.19, 6.2.7 and 7.0.
 */
class RouterWorkloadIntegrationTest {
    private static final int SHARDS = 3;

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldMirrorRedis70MasterIntoThreeSlotShards() throws Exception {
        run(RedisBinary.local());
    }

    @Test
    void shouldMirrorRedis62MasterIntoThreeSlotShards() throws Exception {
        run(RedisBinary.bundled("6.2.7"));
    }

    @Test
    void shouldMirrorRedis28MasterIntoThreeSlotShards() throws Exception {
        run(RedisBinary.bundled("2.8.19"));
    }

    private void run(RedisBinary masterBinary) throws Exception {
        final RedisServer master = redis.start(masterBinary);
        workload(master, masterBinary, 1, 300); // before the router: part of the initial RDB
        final SlotShards shards = new SlotShards(master, dir.resolve("journal"));
        final RouterConfig config = shards.config;
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            // replicas of the master's own version: virtual masters must speak to 2.8 replicas too
            final List<RedisServer> replicas = shards.replicas(redis, masterBinary);
            final ExecutorService pool = Executors.newFixedThreadPool(2);
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                final int seed = 10 + t;
                done.add(pool.submit(() -> {
                    workload(master, masterBinary, seed, 1500);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            final DatasetComparison comparison = DatasetComparison.of(master, replicas, key -> config.shardMap().shardOf(key, 0, key.length));
            try {
                comparison.awaitEqual("at the end", 30_000);
            } catch (AssertionError e) {
                final StringBuilder state = new StringBuilder();
                for (int i = 0; i < SHARDS; i++) {
                    state.append("shard ").append(i).append(" end offset ").append(router.shards().get(i).journal().endOffset())
                        .append(", sessions ").append(router.replicas(i)).append("\nreplica log:\n").append(replicas.get(i).logTail(8))
                        .append('\n');
                }
                final List<DatasetComparison.Difference> differences = comparison.differences();
                throw new AssertionError(e.getMessage() + "\n" + (differences.isEmpty() ? "" : journalOf(router, differences.get(0)))
                    + state, e);
            }
            assertEquals(0, router.upstream().router().crossShard(), "the workload has no cross-shard command");
        }
    }

    /** For a failure message: the journal entries of the differing shard that name the differing key. */
    private static String journalOf(Router router, DatasetComparison.Difference difference) {
        final int shard = difference.shard();
        final String key = difference.key().replace("\"", "");
        final StringBuilder sb = new StringBuilder("journal of shard " + shard + " for " + key + ":\n");
        try (io.redisreplica.journal.JournalReader reader = router.shards().get(shard).journal().reader()) {
            final io.redisreplica.journal.JournalEntry entry = new io.redisreplica.journal.JournalEntry();
            final io.redisreplica.resp.CommandFramer framer = new io.redisreplica.resp.CommandFramer();
            while (reader.next(entry)) {
                int at = entry.payloadOffset();
                int n;
                while ((n = framer.frame(entry.payload(), at, entry.payloadOffset() + entry.payloadLength() - at)) > 0) {
                    final String text = framer.command().toString();
                    if (text.contains("\"" + key + "\"")) {
                        sb.append(entry.startOffset()).append(" db=").append(entry.db()).append(' ').append(text).append('\n');
                    }
                    at += n;
                }
            }
        }
        return sb.toString();
    }

    /** Random writes over a pool of keys spread over all slots; multi-key commands use one hash tag or are splittable. */
    static void workload(RedisServer master, RedisBinary binary, int seed, int ops) {
        final Random r = new Random(seed);
        try (RedisClient c = master.client()) {
            for (int i = 0; i < ops; i++) {
                final String k = "k" + r.nextInt(40);
                final String tag = "{t" + r.nextInt(10) + "}";
                switch (r.nextInt(17)) {
                    case 0 -> c.call("SET", k, "v" + r.nextInt(1000));
                    case 1 -> c.call("INCRBY", "n:" + k, r.nextInt(10));
                    case 2 -> c.call("APPEND", "s:" + k, "x");
                    case 3 -> c.call("RPUSH", "l:" + k, "e" + r.nextInt(100), "f" + r.nextInt(100));
                    case 4 -> c.call("LPOP", "l:" + k);
                    case 5 -> c.call("SADD", "set:" + k, r.nextInt(50), "m" + r.nextInt(50));
                    case 6 -> c.call("SREM", "set:" + k, r.nextInt(50));
                    case 7 -> c.call("ZADD", "z:" + k, r.nextInt(100), "m" + r.nextInt(30));
                    case 8 -> c.call("HSET", "h:" + k, "f" + r.nextInt(20), "v" + r.nextInt(100));
                    case 9 -> c.call("HDEL", "h:" + k, "f" + r.nextInt(20));
                    case 10 -> c.call("MSET", "m:" + k, "1", "m:k" + r.nextInt(40), "2", "m:k" + r.nextInt(40), "3");
                    case 11 -> c.call("DEL", "m:k" + r.nextInt(40), "n:k" + r.nextInt(40), "set:k" + r.nextInt(40));
                    case 12 -> {
                        c.call("MULTI");
                        c.call("INCR", tag + "counter");
                        c.call("RPUSH", tag + "log", "entry" + i);
                        c.call("SET", "tx:" + k, "in-multi");
                        c.call("EXEC");
                    }
                    case 13 -> c.call("EVAL", "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCR', KEYS[2])", 2,
                        tag + "lua", tag + "luacount", "v" + i);
                    case 14 -> {
                        c.call("SET", "ttl:" + k, "short");
                        c.call("PEXPIRE", "ttl:" + k, 1 + r.nextInt(50)); // the master's expiry DELs must follow
                    }
                    case 15 -> {
                        c.call("SET", tag + "src" + seed, "x" + i); // per thread: the other thread cannot rename it away
                        c.call("RENAME", tag + "src" + seed, tag + "dst"); // one tag: one slot, one shard
                    }
                    default -> {
                        if (binary.atLeast(5, 0)) {
                            c.call("XADD", "x:" + k, "*", "n", i);
                        } else {
                            c.call("SETEX", "ex:" + k, 3600, "v");
                        }
                    }
                }
            }
        }
    }
}
