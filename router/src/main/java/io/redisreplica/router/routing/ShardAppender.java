package io.redisreplica.router.routing;

import org.agrona.DirectBuffer;

/** Where routed commands go: one journal entry per call, for one shard. */
@FunctionalInterface
public interface ShardAppender {
    /**
     * Appends a shard's part of one master command (or transaction) as one entry.
     *
     * @param db the database the entry's first command acts on (a SELECT in it may say so too)
     * @param read the entry holds values read from the master at the current offset: it is
     *     appended even when the shard's journal already holds the command (a restart replaying
     *     the master's stream), since the key's later commands are skipped up to the new read
     * @return false when the entry was not appended (the journal already held it): the router
     *     then no longer knows the shard's db, and selects again
     */
    boolean append(int shard, int db, boolean read, DirectBuffer bytes, int offset, int length);
}
