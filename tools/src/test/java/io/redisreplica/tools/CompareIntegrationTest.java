package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * {@code redis-replica compare} against real servers: shards that hold exactly the master's keys
 * of their slots compare equal (also across versions, where encodings and score texts differ, and
 * sampled); each kind of difference is found and named (value, type, TTL, missing, misplaced,
 * extra); a key that changes on the master and then on its shard between passes is not reported.
 */
class CompareIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    /** Writes the same data into the master and, key by key, into the shard that owns it. */
    private static void fill(RedisServer master, List<RedisServer> shards) {
        try (RedisClient m = master.client(); RedisClient s0 = shards.get(0).client(); RedisClient s1 = shards.get(1).client()) {
            for (int db = 0; db < 2; db++) {
                m.call("SELECT", db);
                s0.call("SELECT", db);
                s1.call("SELECT", db);
                for (int i = 0; i < 300; i++) {
                    final String k = "k" + i;
                    final RedisClient s = TwoSlotShards.shardOf(k.getBytes()) == 0 ? s0 : s1;
                    for (RedisClient c : List.of(m, s)) {
                        switch (i % 6) {
                            case 0 -> c.call("SET", k, "v" + i, "PX", 3_600_000);
                            case 1 -> c.call("RPUSH", k, "a", "b", "c" + i);
                            case 2 -> c.call("SADD", k, "x", "y", "z" + i);
                            case 3 -> c.call("ZADD", k, "0.1", "m", "2", "n" + i);
                            case 4 -> c.call("HSET", k, "f", "v" + i, "g", "w");
                            default -> c.call("XADD", k, "1-" + (i + 1), "f", "v");
                        }
                    }
                }
            }
            final StringBuilder big = new StringBuilder();
            for (int i = 0; i < 3000; i++) { // more than a page of SSCAN and LRANGE, a hashtable-encoded set
                big.append("member-").append(i).append(' ');
            }
            final List<Object> sadd = new java.util.ArrayList<>(List.of("SADD", "bigset"));
            final List<Object> rpush = new java.util.ArrayList<>(List.of("RPUSH", "biglist"));
            for (String member : big.toString().trim().split(" ")) {
                sadd.add(member);
                rpush.add(member);
            }
            for (List<Object> write : List.of(sadd, rpush)) {
                final RedisClient owner = TwoSlotShards.shardOf(((String) write.get(1)).getBytes()) == 0 ? s0 : s1;
                for (RedisClient c : List.of(m, owner)) {
                    c.call("SELECT", 0);
                    c.call(write.toArray());
                }
            }
        }
    }

    private String[] args(TwoSlotShards shards, List<RedisServer> targets, String... more) {
        final List<String> a = new java.util.ArrayList<>(List.of("compare", "--config", shards.config.toString(), "--shard",
            "s0=127.0.0.1:" + targets.get(0).port(), "--shard", "s1=127.0.0.1:" + targets.get(1).port(), "--pass-delay-ms", "200", "--quiet"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @Test
    void shouldFindShardsEqualToTheMasterAcrossVersionsAndWhenSampled() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local());
        final List<RedisServer> targets = List.of(redis.start(RedisBinary.bundled("6.2.7")), redis.start(RedisBinary.bundled("6.2.7")));
        fill(master, targets);
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        final Cli all = Cli.run(args(shards, targets));
        assertEquals(0, all.exit(), all.out() + all.err());
        assertTrue(all.out().contains("every shard equals the master"), all.out());
        final Cli sampled = Cli.run(args(shards, targets, "--sample", "0.3", "--json"));
        assertEquals(0, sampled.exit(), sampled.out() + sampled.err());
        assertTrue(sampled.out().startsWith("{\"equal\":true"), sampled.out());
        assertTrue(JsonParsing.parse(sampled.out()).get("keys_compared").asLong() > 0, sampled.out());
    }

    @Test
    void shouldNameEveryKindOfDifferenceAndExitOne() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local());
        final List<RedisServer> targets = List.of(redis.start(RedisBinary.local()), redis.start(RedisBinary.local()));
        fill(master, targets);
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        final Map<String, String> damage = Map.of("k1", "value", "k6", "TTL", "k7", "missing", "k8", "type");
        for (Map.Entry<String, String> d : damage.entrySet()) {
            final RedisServer owner = targets.get(TwoSlotShards.shardOf(d.getKey().getBytes()));
            switch (d.getValue()) {
                case "value" -> owner.call("RPUSH", d.getKey(), "more");
                case "TTL" -> owner.call("PERSIST", d.getKey());
                case "missing" -> owner.call("DEL", d.getKey());
                default -> {
                    owner.call("DEL", d.getKey());
                    owner.call("SET", d.getKey(), "x");
                }
            }
        }
        final String misplaced = "k2";
        targets.get(1 - TwoSlotShards.shardOf(misplaced.getBytes())).call("SET", misplaced, "stray");
        final String extra = "not-on-master";
        targets.get(TwoSlotShards.shardOf(extra.getBytes())).call("SET", extra, "x");
        final Cli cli = Cli.run(args(shards, targets));
        assertEquals(1, cli.exit(), cli.out() + cli.err());
        final String out = cli.out();
        assertTrue(out.contains("6 difference(s)"), out);
        assertTrue(out.contains("\"k1\": list value differs"), out);
        assertTrue(out.contains("\"k6\": TTL -1 ms on its shard"), out);
        assertTrue(out.contains("\"k7\": missing on its shard (master has a list)"), out);
        assertTrue(out.contains("\"k8\": type string on its shard, set on the master"), out);
        assertTrue(out.contains("\"k2\": on shard s" + (1 - TwoSlotShards.shardOf(misplaced.getBytes())) + " but owned by s"), out);
        assertTrue(out.contains("\"not-on-master\": on its shard (a string) but not on the master"), out);
    }

    @Test
    void shouldNotReportAKeyThatItsShardCaughtUpWithBetweenPasses() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local());
        final List<RedisServer> targets = List.of(redis.start(RedisBinary.local()), redis.start(RedisBinary.local()));
        fill(master, targets);
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        final RedisServer owner = targets.get(TwoSlotShards.shardOf("k0".getBytes()));
        master.call("SET", "k0", "changed", "PX", 3_600_000);
        final Thread lateShard = new Thread(() -> {
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                return;
            }
            owner.call("SET", "k0", "changed", "PX", 3_600_000); // the shard applies it a little later
        });
        lateShard.start();
        final Cli cli = Cli.run(args(shards, targets, "--passes", "5"));
        lateShard.join();
        assertEquals(0, cli.exit(), cli.out() + cli.err());
    }

    @Test
    void shouldExitFourWhenAShardCannotBeReached() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local());
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        final Cli cli = Cli.run("compare", "--config", shards.config.toString(), "--shard", "s0=127.0.0.1:1", "--quiet");
        assertEquals(4, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.err().contains("shard s0 at 127.0.0.1:1"), cli.err());
    }
}
