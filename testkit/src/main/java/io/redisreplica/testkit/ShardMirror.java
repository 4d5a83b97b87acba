package io.redisreplica.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/** Compares a master with the replicas of its shards: each must hold exactly the master's keys of its shard. */
public final class ShardMirror {
    private ShardMirror() {
    }

    /**
     * @param shardOf the shard index of a key (an index into {@code replicas})
     * @return null when every replica holds exactly its shard's keys of the master, value-equal
     *     ({@link RedisValues#canonical}); else the first difference found
     */
    public static String difference(RedisServer master, List<RedisServer> replicas, ToIntFunction<byte[]> shardOf) {
        final Map<String, String> expected = new TreeMap<>();
        try (RedisClient m = master.client()) {
            for (Object k : (List<?>) m.call("KEYS", "*")) {
                final byte[] key = (byte[]) k;
                expected.put(shardOf.applyAsInt(key) + " " + new String(key, StandardCharsets.UTF_8), RedisValues.canonical(m, key));
            }
        }
        final Map<String, String> actual = new TreeMap<>();
        for (int i = 0; i < replicas.size(); i++) {
            try (RedisClient c = replicas.get(i).client()) {
                for (Object k : (List<?>) c.call("KEYS", "*")) {
                    actual.put(i + " " + new String((byte[]) k, StandardCharsets.UTF_8), RedisValues.canonical(c, k));
                }
            }
        }
        if (expected.equals(actual)) {
            return null;
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            if (!e.getValue().equals(actual.get(e.getKey()))) {
                return "shard/key " + e.getKey() + ": master " + abbreviate(e.getValue()) + ", shard " + abbreviate(actual.get(e.getKey()));
            }
        }
        return "keys only on a shard: " + actual.keySet().stream().filter(k -> !expected.containsKey(k)).limit(5).toList();
    }

    /** Polls {@link #difference} until it is null; throws with the last difference after {@code timeoutMs}. */
    public static void awaitMirrored(RedisServer master, List<RedisServer> replicas, ToIntFunction<byte[]> shardOf, long timeoutMs,
                                     String when) {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        String difference = difference(master, replicas, shardOf);
        while (difference != null && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            difference = difference(master, replicas, shardOf);
        }
        if (difference != null) {
            throw new AssertionError(when + ": " + difference);
        }
    }

    private static String abbreviate(String s) {
        return s == null ? null : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
