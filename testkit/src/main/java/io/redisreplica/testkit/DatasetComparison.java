package io.redisreplica.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Compares a master with the replicas of its shards, every key of every db: each key of the
 * master is on the shard that owns it (same type, canonical value by {@link RedisValues#canonical},
 * TTL within a tolerance) and on no other, and no shard holds a key the master lacks or that
 * belongs elsewhere.
 *
 * <p>Keys are read with {@code SCAN} (Redis 2.8 and later), a batch at a time, so a large
 * dataset is never held in memory; only one key's value is. The result is a list of
 * {@link Difference}s, each naming the db, the key, the shard and what differs, so a failing test
 * says exactly what diverged.
 *
 * <pre>{@code
 * DatasetComparison.of(master, replicas, key -> map.shardOf(key, 0, key.length)).assertEqual("after the live writes");
 * }</pre>
 */
public final class DatasetComparison {
    /** The shard that owns a key of a db, as an index into the shard list; {@link #NO_SHARD} for a key no shard holds. */
    @FunctionalInterface
    public interface KeyOwner {
        int shardOf(int db, byte[] key);
    }

    /** What a {@link KeyOwner} answers for a key that must be on no shard (dropped, unclaimed). */
    public static final int NO_SHARD = -1;
    private static final int SCAN_COUNT = 500;

    private final RedisServer master;
    private final List<RedisServer> shards;
    private final KeyOwner owner;
    private long ttlToleranceMs = 1_000;
    private int maxDifferences = 200;
    /** Dbs compared key by key; -1: every db the master has. */
    private int databases = -1;

    private DatasetComparison(RedisServer master, List<RedisServer> shards, KeyOwner owner) {
        this.master = master;
        this.shards = List.copyOf(shards);
        this.owner = owner;
    }

    /** @param shardOf the index in {@code shards} of the shard that owns a key (the same in every db), or {@link #NO_SHARD} */
    public static DatasetComparison of(RedisServer master, List<RedisServer> shards, ToIntFunction<byte[]> shardOf) {
        return new DatasetComparison(master, shards, (db, key) -> shardOf.applyAsInt(key));
    }

    public static DatasetComparison of(RedisServer master, List<RedisServer> shards, KeyOwner owner) {
        return new DatasetComparison(master, shards, owner);
    }

    /** How far a shard's TTL may be from the master's (default 1 s). */
    public DatasetComparison ttlTolerance(long millis) {
        this.ttlToleranceMs = millis;
        return this;
    }

    /**
     * Compares dbs 0 to {@code count - 1} only: the shards are Redis Cluster nodes, which have db
     * 0 alone. A master key in a later db is a difference then (the shards cannot hold it).
     */
    public DatasetComparison databases(int count) {
        this.databases = count;
        return this;
    }

    /** Stops collecting after this many differences (default 200). */
    public DatasetComparison maxDifferences(int max) {
        this.maxDifferences = max;
        return this;
    }

    /** One thing that differs; {@code shard} is the shard it was seen on or expected on. */
    public record Difference(int db, String key, int shard, String what) {
        @Override
        public String toString() {
            return "db " + db + " key " + key + " shard " + shard + ": " + what;
        }
    }

    /** Every difference (up to the maximum), sorted by db, key and shard; empty when equal. */
    public List<Difference> differences() {
        final Set<Difference> found = new LinkedHashSet<>(); // SCAN may return a key twice
        final int all = databases();
        final int databases = this.databases < 0 ? all : Math.min(all, this.databases);
        try (RedisClient m = master.client(); Clients c = new Clients(shards)) {
            for (int db = databases; db < all; db++) {
                m.call("SELECT", db);
                final long held = (Long) m.call("DBSIZE");
                if (held > 0) {
                    found.add(new Difference(db, "(" + held + " keys)", -1, "on the master in a db the shards do not have"));
                }
            }
            for (int db = 0; db < databases && found.size() < maxDifferences; db++) {
                m.call("SELECT", db);
                c.select(db);
                compareMasterKeys(db, m, c, found);
                for (int s = 0; s < shards.size() && found.size() < maxDifferences; s++) {
                    findExtraKeys(db, s, m, c.get(s), found);
                }
            }
        }
        final List<Difference> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(Difference::db).thenComparing(Difference::key).thenComparingInt(Difference::shard));
        return sorted.subList(0, Math.min(sorted.size(), maxDifferences));
    }

    /** Throws an {@link AssertionError} listing every difference, when there is one. */
    public void assertEqual(String when) {
        final List<Difference> differences = differences();
        if (!differences.isEmpty()) {
            throw new AssertionError(describe(when, differences));
        }
    }

    /** Compares until equal; after {@code timeoutMs} throws listing the last differences. */
    public void awaitEqual(String when, long timeoutMs) {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        List<Difference> differences = differences();
        while (!differences.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            differences = differences();
        }
        if (!differences.isEmpty()) {
            throw new AssertionError(describe(when, differences));
        }
    }

    /** A failure message: a headline and one difference a line. */
    public static String describe(String when, List<Difference> differences) {
        final StringBuilder sb = new StringBuilder(when).append(": ").append(differences.size()).append(" difference(s) between master and shards");
        for (Difference d : differences) {
            sb.append("\n  ").append(d);
        }
        return sb.toString();
    }

    private int databases() {
        final List<?> reply = (List<?>) master.call("CONFIG", "GET", "databases");
        return Integer.parseInt(new String((byte[]) reply.get(1), StandardCharsets.US_ASCII));
    }

    private void compareMasterKeys(int db, RedisClient m, Clients c, Set<Difference> found) {
        String cursor = "0";
        do {
            final List<?> page = (List<?>) m.call("SCAN", cursor, "COUNT", SCAN_COUNT);
            cursor = new String((byte[]) page.get(0), StandardCharsets.US_ASCII);
            for (Object k : (List<?>) page.get(1)) {
                final byte[] key = (byte[]) k;
                final int expected = owner.shardOf(db, key);
                final Reading onMaster = Reading.of(m, key);
                if (onMaster.missing()) {
                    continue; // expired or deleted since the SCAN
                }
                if (expected != NO_SHARD) {
                    compareKey(db, key, expected, onMaster, Reading.of(c.get(expected), key), found);
                }
                if (found.size() >= maxDifferences) {
                    return;
                }
            }
        } while (!cursor.equals("0"));
    }

    private void compareKey(int db, byte[] key, int shard, Reading master, Reading replica, Set<Difference> found) {
        final String name = RedisValues.text(key);
        if (replica.missing()) {
            found.add(new Difference(db, name, shard, "missing on its shard (master has " + abbreviate(master.value) + ")"));
        } else if (!sameValue(master.value, replica.value)) {
            found.add(new Difference(db, name, shard, "value differs: " + valueDifference(master.value, replica.value)));
        } else if ((master.pttl < 0) != (replica.pttl < 0) || Math.abs(master.pttl - replica.pttl) > ttlToleranceMs) {
            found.add(new Difference(db, name, shard, "TTL differs: master pttl " + master.pttl + " ms, shard pttl " + replica.pttl + " ms"));
        }
    }

    /** Keys of shard {@code s} that belong to another shard, or to none, or that the master lacks. */
    private void findExtraKeys(int db, int s, RedisClient m, RedisClient shard, Set<Difference> found) {
        String cursor = "0";
        do {
            final List<?> page = (List<?>) shard.call("SCAN", cursor, "COUNT", SCAN_COUNT);
            cursor = new String((byte[]) page.get(0), StandardCharsets.US_ASCII);
            final List<?> keys = (List<?>) page.get(1);
            final List<Object[]> exists = new ArrayList<>(keys.size());
            for (Object k : keys) {
                exists.add(new Object[] {"EXISTS", k});
            }
            final List<Object> onMaster = m.pipeline(exists);
            for (int i = 0; i < keys.size() && found.size() < maxDifferences; i++) {
                final byte[] key = (byte[]) keys.get(i);
                final int expected = owner.shardOf(db, key);
                final String name = RedisValues.text(key);
                if (expected != s) {
                    found.add(new Difference(db, name, s, expected == NO_SHARD ? "on a shard, but no shard owns it"
                        : "on the wrong shard (it belongs to shard " + expected + ")"));
                } else if (Long.valueOf(0).equals(onMaster.get(i))) {
                    found.add(new Difference(db, name, s, "on its shard, but not on the master (shard has "
                        + abbreviate(RedisValues.canonical(shard, key)) + ")"));
                }
            }
        } while (!cursor.equals("0") && found.size() < maxDifferences);
    }

    /** XINFO STREAM fields of Redis 7 that a 6.x master does not report: compared only when both sides have them. */
    private static final java.util.regex.Pattern REDIS7_STREAM_FIELDS =
        java.util.regex.Pattern.compile(" (max-deleted-entry-id|recorded-first-entry-id)=\"[^\"]*\"| entries-added=\\d+");

    /** Equal, or equal but for the stream counters that only the newer of the two servers reports. */
    static boolean sameValue(String master, String replica) {
        if (master.equals(replica)) {
            return true;
        }
        if (master.contains(" entries-added=") == replica.contains(" entries-added=")) {
            return false;
        }
        return REDIS7_STREAM_FIELDS.matcher(master).replaceAll("").equals(REDIS7_STREAM_FIELDS.matcher(replica).replaceAll(""));
    }

    /** Both values, or for long ones where they first differ, with some context. */
    private static String valueDifference(String master, String shard) {
        if (master.length() <= 300 && shard.length() <= 300) {
            return "master " + master + ", shard " + shard;
        }
        int at = 0;
        while (at < master.length() && at < shard.length() && master.charAt(at) == shard.charAt(at)) {
            at++;
        }
        final int from = Math.max(0, at - 40);
        return "from char " + at + " of " + master.length() + ": master ..." + abbreviate(master.substring(from, Math.min(master.length(), at + 120)))
            + ", shard ..." + abbreviate(shard.substring(from, Math.min(shard.length(), at + 120)));
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + " chars)" : s;
    }

    /** A key as one server holds it: canonical type and value, and its PTTL. */
    private record Reading(String value, long pttl) {
        static Reading of(RedisClient c, byte[] key) {
            final long pttl = c.callLong("PTTL", key);
            return new Reading(RedisValues.canonical(c, key), pttl);
        }

        boolean missing() {
            return value.equals("none:");
        }
    }

    /** One connection per shard, each on the db being compared. */
    private static final class Clients implements AutoCloseable {
        private final List<RedisClient> clients = new ArrayList<>();

        Clients(List<RedisServer> servers) {
            for (RedisServer server : servers) {
                clients.add(server.client());
            }
        }

        RedisClient get(int shard) {
            return clients.get(shard);
        }

        void select(int db) {
            for (RedisClient c : clients) {
                c.call("SELECT", db);
            }
        }

        @Override
        public void close() {
            clients.forEach(RedisClient::close);
        }
    }
}
