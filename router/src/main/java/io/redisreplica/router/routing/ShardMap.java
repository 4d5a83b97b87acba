package io.redisreplica.router.routing;

import java.util.List;

/**
 * Names the shard of every key: none when a {@code drop} rule claims it, else the first shard
 * whose matcher claims it, else the default shard, else none (the key is dropped). Built and validated by {@code config.ConfigParser}.
 */
public final class ShardMap {
    /** One shard: its name, the address its virtual master listens on, and the keys it claims. */
    public record Shard(int index, String name, String host, int port, KeyMatcher matcher) {
        @Override
        public String toString() {
            return name + " (" + host + ":" + port + ", " + matcher.describe() + ")";
        }
    }

    private final List<Shard> shards;
    private final int defaultShard;
    private final List<KeyMatcher> drops;
    /**
     * When every shard claims keys by slots: the shard of each slot (its first claimer, else the
     * default), so a key's slot is computed once, not once per shard asked (a CRC16 of the key
     * each time: a quarter of an rdb split's reading thread with four slot shards).
     */
    private final int[] bySlot;
    /**
     * {@link #drops} as an array: shardOf runs once per key of a split (10 M times on a 1 GB file)
     * and per routed command, and the list's size() and get() are calls on an interface that sees
     * several list classes in one process.
     */
    private final KeyMatcher[] dropMatchers;

    public ShardMap(List<Shard> shards, int defaultShard) {
        this(shards, defaultShard, List.of());
    }

    /** @param drops keys any of these claim go to no shard, whatever the shards claim ({@code drop key=...}) */
    public ShardMap(List<Shard> shards, int defaultShard, List<KeyMatcher> drops) {
        this.shards = List.copyOf(shards);
        this.defaultShard = defaultShard;
        this.drops = List.copyOf(drops);
        this.dropMatchers = this.drops.toArray(new KeyMatcher[0]);
        this.bySlot = slotTable(this.shards, defaultShard);
    }

    private static int[] slotTable(List<Shard> shards, int defaultShard) {
        if (shards.isEmpty() || !shards.stream().allMatch(s -> s.matcher() instanceof SlotMatcher)) {
            return null;
        }
        final int[] table = new int[ClusterSlots.SLOTS];
        java.util.Arrays.fill(table, defaultShard);
        for (int i = shards.size() - 1; i >= 0; i--) { // the first shard that claims a slot wins, as in shardOf
            final java.util.BitSet slots = ((SlotMatcher) shards.get(i).matcher()).slots();
            for (int slot = slots.nextSetBit(0); slot >= 0 && slot < ClusterSlots.SLOTS; slot = slots.nextSetBit(slot + 1)) {
                table[slot] = i;
            }
        }
        return table;
    }

    public List<Shard> shards() {
        return shards;
    }

    /** The shard keys no matcher claims go to, or -1 when they are dropped. */
    public int defaultShard() {
        return defaultShard;
    }

    /** The {@code drop key=} rules, in config order. */
    public List<KeyMatcher> drops() {
        return drops;
    }

    /** The shard index of a key, or -1 to drop it. */
    public int shardOf(byte[] key, int offset, int length) {
        for (KeyMatcher drop : dropMatchers) {
            if (drop.matches(key, offset, length)) {
                return -1;
            }
        }
        if (bySlot != null) {
            return bySlot[ClusterSlots.slot(key, offset, length)];
        }
        for (int i = 0; i < shards.size(); i++) {
            if (shards.get(i).matcher().matches(key, offset, length)) {
                return i;
            }
        }
        return defaultShard;
    }
}
