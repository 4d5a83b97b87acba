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

    public ShardMap(List<Shard> shards, int defaultShard) {
        this(shards, defaultShard, List.of());
    }

    /** @param drops keys any of these claim go to no shard, whatever the shards claim ({@code drop key=...}) */
    public ShardMap(List<Shard> shards, int defaultShard, List<KeyMatcher> drops) {
        this.shards = List.copyOf(shards);
        this.defaultShard = defaultShard;
        this.drops = List.copyOf(drops);
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
        for (int i = 0; i < drops.size(); i++) {
            if (drops.get(i).matches(key, offset, length)) {
                return -1;
            }
        }
        for (int i = 0; i < shards.size(); i++) {
            if (shards.get(i).matcher().matches(key, offset, length)) {
                return i;
            }
        }
        return defaultShard;
    }
}
