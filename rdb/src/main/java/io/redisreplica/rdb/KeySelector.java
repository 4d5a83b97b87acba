package io.redisreplica.rdb;

/** Names the shard of a key: an index into the splitter's outputs, or -1 to drop the key. */
@FunctionalInterface
public interface KeySelector {
    int shardOf(long db, byte[] key, int keyLength);
}
