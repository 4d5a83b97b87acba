package io.redisreplica.router.routing;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.support.SpillBuffer;
import io.redisreplica.router.support.SpillFiles;

/**
 * Per shard, what the master command being routed sends it outside a transaction, appended as
 * one journal entry when the command is done (so a restart that replays the master's stream
 * skips or writes each command's part of a shard whole). A shard whose part is the master's
 * command alone, as it came and in the shard's db, is appended from where it lies in the
 * upstream buffer, not copied (a 100 MB SET is not copied once more); a second command for the
 * shard copies it first.
 */
final class PendingEntries {
    private final ShardAppender appender;
    private final ShardDbs shardDbs;
    private final RouteCounters counters;
    private final RespWriter selectWriter = new RespWriter();
    private final SpillBuffer[] pending;
    private final int[] pendingLength;
    /** The db each shard's entry starts in. */
    private final int[] pendingDb;
    /** The buffer of the master command being routed: valid until its entries are written. */
    private DirectBuffer topBuffer;
    /** Per shard: where its entry lies in {@link #topBuffer} when it is that command alone (length -1: none). */
    private final int[] directOffset;
    private final int[] directLength;
    /** The shards the command being routed sends an entry to, in order of first use. */
    private int[] touched = new int[8];
    private int touchedCount;

    PendingEntries(int shards, ShardAppender appender, ShardDbs shardDbs, RouteCounters counters, SpillFiles spill) {
        this.appender = appender;
        this.shardDbs = shardDbs;
        this.counters = counters;
        this.pending = new SpillBuffer[shards];
        this.pendingLength = new int[shards];
        this.pendingDb = new int[shards];
        this.directOffset = new int[shards];
        this.directLength = new int[shards];
        Arrays.fill(directLength, -1);
        for (int i = 0; i < shards; i++) {
            pending[i] = spill.buffer(256);
        }
    }

    /** The master command about to be routed lies in {@code buffer}: parts from it may be appended in place. */
    void command(DirectBuffer buffer) {
        topBuffer = buffer;
    }

    /** Adds a command to the shard's entry for the master command being routed. */
    void add(int shard, int targetDb, DirectBuffer bytes, int offset, int length) {
        if (pendingLength[shard] == 0 && directLength[shard] < 0) {
            if (touchedCount == touched.length) {
                touched = Arrays.copyOf(touched, touched.length * 2);
            }
            touched[touchedCount++] = shard;
        }
        if (pendingLength[shard] == 0) {
            pendingDb[shard] = targetDb;
            if (shardDbs.get(shard) == targetDb && bytes == topBuffer && directLength[shard] < 0) {
                directOffset[shard] = offset;
                directLength[shard] = length;
                counters.routed++;
                return;
            }
            if (directLength[shard] >= 0) {
                pending[shard].putBytes(0, topBuffer, directOffset[shard], directLength[shard]);
                pendingLength[shard] = directLength[shard];
                directLength[shard] = -1;
            }
        }
        if (shardDbs.get(shard) != targetDb) {
            pendingLength[shard] += Select.write(selectWriter, pending[shard], pendingLength[shard], targetDb);
            shardDbs.set(shard, targetDb);
        }
        pending[shard].putBytes(pendingLength[shard], bytes, offset, length);
        pendingLength[shard] += length;
        counters.routed++;
    }

    /** Appends each shard's part of the master command just routed as one entry. */
    void flush() {
        for (int t = 0; t < touchedCount; t++) {
            final int s = touched[t];
            if (directLength[s] >= 0) {
                if (!appender.append(s, pendingDb[s], false, topBuffer, directOffset[s], directLength[s])) {
                    shardDbs.set(s, -1); // not journaled (a replay): a SELECT it held is not in the journal either
                }
                directLength[s] = -1;
                continue;
            }
            if (pendingLength[s] == 0) {
                continue;
            }
            if (!appender.append(s, pendingDb[s], false, pending[s], 0, pendingLength[s])) {
                shardDbs.set(s, -1);
            }
            pendingLength[s] = 0;
        }
        touchedCount = 0;
    }

    /** Forgets the parts of a command that failed half-way: it comes again whole. */
    void abandon() {
        touchedCount = 0;
        Arrays.fill(directLength, -1);
        Arrays.fill(pendingLength, 0);
    }

    /** Lets the buffers that grew past {@code kept} go back to small heap arrays (and their spill files go). */
    void releaseLarge(int kept) {
        for (SpillBuffer buffer : pending) {
            buffer.shrink(kept);
        }
    }
}
