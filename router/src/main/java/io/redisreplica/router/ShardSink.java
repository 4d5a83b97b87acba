package io.redisreplica.router;

import org.agrona.DirectBuffer;

/** Where routed commands go: one journal entry per call, for one shard. */
@FunctionalInterface
public interface ShardSink {
    /**
     * @param prefix true for a SELECT the router emits before the command: it belongs to the
     *     stream before the command, and is stamped with the command's start offset
     */
    void append(int shard, int db, boolean prefix, DirectBuffer bytes, int offset, int length);
}
