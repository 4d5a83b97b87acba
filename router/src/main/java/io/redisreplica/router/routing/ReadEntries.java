package io.redisreplica.router.routing;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.support.SpillBuffer;
import io.redisreplica.router.support.SpillFiles;

/**
 * Per shard, what reads of the master give it (DEL + RESTORE and the like), appended as one
 * entry after the master command's (or transaction's) own entries: the read holds every command
 * of the master up to its offset, so coming after them is exact. Always journaled, even when a
 * restart replays a command whose entries the journal already holds: the keys' commands up to the
 * new read are skipped, which is only right if the shard gets the new read's values.
 */
final class ReadEntries {
    private final ShardAppender appender;
    private final ShardDbs shardDbs;
    private final RouteCounters counters;
    private final RespWriter selectWriter = new RespWriter();
    /** Per shard its entry as it grows: a SELECT of its first db, then the read values. */
    private final SpillBuffer[] reads;
    private final int[] readsLength;
    /** The db each shard's entry starts in (it always begins with a SELECT of it). */
    private final int[] readsFirstDb;
    private final int[] readsDb;
    private boolean anyReads;

    ReadEntries(int shards, ShardAppender appender, ShardDbs shardDbs, RouteCounters counters, SpillFiles spill) {
        this.appender = appender;
        this.shardDbs = shardDbs;
        this.counters = counters;
        this.reads = new SpillBuffer[shards];
        this.readsLength = new int[shards];
        this.readsFirstDb = new int[shards];
        this.readsDb = new int[shards];
        for (int i = 0; i < shards; i++) {
            reads[i] = spill.buffer(256);
        }
    }

    void add(int shard, int targetDb, DirectBuffer bytes, int offset, int length) {
        if (readsLength[shard] == 0) {
            readsFirstDb[shard] = targetDb;
            readsDb[shard] = targetDb;
            readsLength[shard] = Select.write(selectWriter, reads[shard], 0, targetDb);
        } else if (readsDb[shard] != targetDb) {
            readsLength[shard] += Select.write(selectWriter, reads[shard], readsLength[shard], targetDb);
            readsDb[shard] = targetDb;
        }
        reads[shard].putBytes(readsLength[shard], bytes, offset, length);
        readsLength[shard] += length;
        anyReads = true;
        counters.routed++;
    }

    /** Appends each shard's read values as one entry; false when no read was taken since the last flush. */
    boolean flush() {
        if (!anyReads) {
            return false;
        }
        anyReads = false;
        for (int s = 0; s < reads.length; s++) {
            if (readsLength[s] == 0) {
                continue;
            }
            appender.append(s, readsFirstDb[s], true, reads[s], 0, readsLength[s]);
            shardDbs.set(s, readsDb[s]);
            readsLength[s] = 0;
        }
        return true;
    }

    /** After a new snapshot: no read value waits. */
    void clear() {
        Arrays.fill(readsLength, 0);
    }

    /** Forgets the read values of a command that failed half-way: it comes again whole. */
    void abandon() {
        Arrays.fill(readsLength, 0);
        anyReads = false;
    }

    /** Lets the buffers that grew past {@code kept} go back to small heap arrays (and their spill files go). */
    void releaseLarge(int kept) {
        for (SpillBuffer buffer : reads) {
            buffer.shrink(kept);
        }
    }
}
