package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.routing.UpperCaseTransform;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * A cross-shard command's destination, read from the master and sent to its shard, goes through
 * the element transform as a live write does: a list, set, sorted set and hash moved by RENAME or
 * RPOPLPUSH onto another shard arrive with their elements in upper case (UpperCaseTransform), and
 * "drop-me" left out where the type can leave an element out (a list keeps it).
 */
class TranslatedValueRulesIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldTransformTheElementsOfATranslatedCollectionAsOnALiveWrite() throws Exception {
        run(RedisBinary.local()); // listpacks, quicklist 2
    }

    @Test
    void shouldTransformTheElementsOfATranslatedCollectionFromARedis28Master() throws Exception {
        run(RedisBinary.bundled("2.8.19")); // ziplists, intsets, linked lists, RDB version 6
    }

    private void run(RedisBinary binary) throws Exception {
        final RedisServer master = redis.start(binary);
        final SlotShards shards = new SlotShards(master, dir.resolve("journal"), "transform class=" + UpperCaseTransform.class.getName() + "\n");
        final String[] names = crossShardPair();
        final String src = names[0];
        final String dst = names[1];
        try (Router router = Router.start(shards.config, CrossShardPolicy.TRANSLATE)) {
            final List<RedisServer> replicas = shards.replicas(redis, binary);
            final RedisServer dstReplica = replicas.get(shard(dst));
            // big enough for several batches of the decoded value, small enough to stay a listpack too
            final List<Object> push = new ArrayList<>(List.of("RPUSH", src + "l"));
            final List<Object> sadd = new ArrayList<>(List.of("SADD", src + "s"));
            for (int i = 0; i < 600; i++) {
                push.add("e" + i);
                sadd.add("m" + i);
            }
            push.add("drop-me");
            sadd.add("drop-me");
            master.call(push.toArray());
            master.call("RENAME", src + "l", dst + "l");
            master.call(sadd.toArray());
            master.call("RENAME", src + "s", dst + "s");
            master.call("ZADD", src + "z", "1.5", "a", "-2", "b", "+inf", "drop-me", "3", "c");
            master.call("RENAME", src + "z", dst + "z");
            master.call("HMSET", src + "h", "f", "v", "g", "drop-me", "n", "12");
            master.call("PEXPIRE", src + "h", "100000");
            master.call("RENAME", src + "h", dst + "h");
            master.call("RPUSH", dst + "q", "x");
            master.call("RPUSH", src + "q", "y", "z");
            master.call("RPOPLPUSH", src + "q", dst + "q"); // onto an existing list on the other shard
            Await.until("the last move reached the shard", () -> dstReplica.call("LLEN", dst + "q").equals(2L), 20_000);

            final List<String> expectedList = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                expectedList.add("E" + i);
            }
            expectedList.add("drop-me"); // a list keeps what the transform drops, as live
            assertEquals(expectedList, strings(dstReplica.call("LRANGE", dst + "l", 0, -1)));
            final List<String> members = strings(dstReplica.call("SMEMBERS", dst + "s"));
            assertEquals(600, members.size());
            assertTrue(members.contains("M599") && !members.contains("drop-me") && !members.contains("DROP-ME"), members.toString());
            assertEquals(List.of("B", "-2", "A", "1.5", "C", "3"), strings(dstReplica.call("ZRANGE", dst + "z", 0, -1, "WITHSCORES")));
            final TreeMap<String, String> hash = new TreeMap<>();
            final List<String> flat = strings(dstReplica.call("HGETALL", dst + "h"));
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                hash.put(flat.get(i), flat.get(i + 1));
            }
            assertEquals("{f=V, n=12}", hash.toString());
            final long ttl = (Long) dstReplica.call("PTTL", dst + "h");
            assertTrue(ttl > 90_000 && ttl <= 100_000, "the master's expiry, " + ttl);
            assertEquals(List.of("Z", "X"), strings(dstReplica.call("LRANGE", dst + "q", 0, -1)));
            assertTrue(router.upstream().router().translated() >= 5, "translated " + router.upstream().router().translated());
        }
    }

    private static int shard(String key) {
        final byte[] b = key.getBytes(StandardCharsets.UTF_8);
        final int slot = ClusterSlots.slot(b, 0, b.length);
        return slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2;
    }

    /** Two name prefixes with hash tags, so every key of each shares a slot, on different shards. */
    private static String[] crossShardPair() {
        final String a = "{src}:";
        for (int j = 0; ; j++) {
            final String b = "{dst" + j + "}:";
            if (shard(b) != shard(a)) {
                return new String[] {a, b};
            }
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private static List<String> strings(Object reply) {
        final List<String> out = new ArrayList<>();
        for (Object o : (List<?>) reply) {
            out.add(text(o));
        }
        return out;
    }
}
