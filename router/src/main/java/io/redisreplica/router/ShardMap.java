package io.redisreplica.router;

import java.util.List;

/**
 * Names the shard of every key: the first shard whose matcher claims it, else the default shard,
 * else none (the key is dropped). Built and validated by {@link RouterConfig}.
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

    ShardMap(List<Shard> shards, int defaultShard) {
        this.shards = List.copyOf(shards);
        this.defaultShard = defaultShard;
    }

    public List<Shard> shards() {
        return shards;
    }

    /** The shard keys no matcher claims go to, or -1 when they are dropped. */
    public int defaultShard() {
        return defaultShard;
    }

    /** The shard index of a key, or -1 to drop it. */
    public int shardOf(byte[] key, int offset, int length) {
        for (int i = 0; i < shards.size(); i++) {
            if (shards.get(i).matcher().matches(key, offset, length)) {
                return i;
            }
        }
        return defaultShard;
    }
}
