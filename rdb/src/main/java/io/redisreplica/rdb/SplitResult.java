package io.redisreplica.rdb;

/** What a split did: keys and bytes per shard, keys dropped (no shard claimed them), bytes read. */
public record SplitResult(RdbHeader header, long[] keysPerShard, long[] bytesPerShard, long keysDropped, long bytesRead) {
    public long totalKeys() {
        long sum = keysDropped;
        for (long k : keysPerShard) {
            sum += k;
        }
        return sum;
    }
}
