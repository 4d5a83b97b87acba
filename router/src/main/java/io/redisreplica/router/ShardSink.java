package io.redisreplica.router;

import org.agrona.DirectBuffer;

/** Where routed commands go: one journal entry per call, for one shard. */
@FunctionalInterface
public interface ShardSink {
    void append(int shard, int db, DirectBuffer bytes, int offset, int length);
}
