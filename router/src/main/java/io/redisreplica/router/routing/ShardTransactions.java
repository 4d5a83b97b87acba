package io.redisreplica.router.routing;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.support.SpillBuffer;
import io.redisreplica.router.support.SpillFiles;

/**
 * A MULTI/EXEC of the master as one transaction per shard that has commands in it, with its
 * SELECTs in place, each appended as a single journal entry (MULTI ... EXEC) so that no PSYNC can
 * start inside it. A shard the transaction does not touch gets nothing. Each shard's entry is
 * built where it is appended from (MULTI written first, EXEC last), in a {@link SpillBuffer}: a
 * transaction of hundreds of MB is held in a spill file, not on the heap, and never copied.
 */
final class ShardTransactions {
    private final ShardAppender appender;
    private final ShardDbs shardDbs;
    private final RouteCounters counters;
    private final RespWriter writer = new RespWriter();
    private boolean open;
    private final SpillBuffer[] tx;
    private final int[] txLength;
    private final int[] txCommands;
    /** The db each shard's transaction is in after its last command. */
    private final int[] txDb;
    /** The db each shard's transaction's first command is in (the entry's db). */
    private final int[] txFirstDb;

    ShardTransactions(int shards, ShardAppender appender, ShardDbs shardDbs, RouteCounters counters, SpillFiles spill) {
        this.appender = appender;
        this.shardDbs = shardDbs;
        this.counters = counters;
        this.tx = new SpillBuffer[shards];
        this.txLength = new int[shards];
        this.txCommands = new int[shards];
        this.txDb = new int[shards];
        this.txFirstDb = new int[shards];
        for (int i = 0; i < shards; i++) {
            tx[i] = spill.buffer(256);
        }
    }

    /** Whether a MULTI of the master is open. */
    boolean open() {
        return open;
    }

    /** The master's MULTI: each shard's transaction starts from the db its journal is at. */
    void begin() {
        open = true;
        Arrays.fill(txLength, 0);
        Arrays.fill(txCommands, 0);
        shardDbs.copyTo(txDb);
    }

    /** Adds a command to the shard's transaction. */
    void add(int shard, int targetDb, DirectBuffer bytes, int offset, int length) {
        final SpillBuffer buffer = tx[shard];
        if (txCommands[shard] == 0) {
            txLength[shard] = writer.wrap(buffer, 0).command("MULTI").length();
            txFirstDb[shard] = targetDb;
        }
        if (txDb[shard] != targetDb) {
            txLength[shard] += Select.write(writer, buffer, txLength[shard], targetDb);
            txDb[shard] = targetDb;
        }
        buffer.putBytes(txLength[shard], bytes, offset, length);
        txLength[shard] += length;
        txCommands[shard]++;
    }

    /**
     * The master's EXEC: appends each shard's transaction as one entry.
     *
     * @return the largest entry appended (0: none), so the caller knows whether buffers grew
     */
    int exec() {
        open = false;
        int largest = 0;
        for (int s = 0; s < tx.length; s++) {
            if (txCommands[s] == 0) {
                continue;
            }
            final int end = writer.wrap(tx[s], txLength[s]).command("EXEC").position();
            final boolean appended = appender.append(s, txFirstDb[s], false, tx[s], 0, end);
            largest = Math.max(largest, end);
            shardDbs.set(s, appended ? txDb[s] : -1);
            counters.routed += txCommands[s];
            txCommands[s] = 0;
        }
        return largest;
    }

    /** After a new snapshot: no transaction is open. */
    void reset() {
        open = false;
        Arrays.fill(txCommands, 0);
        Arrays.fill(txLength, 0);
    }

    /** Lets the buffers that grew past {@code kept} go back to small heap arrays (and their spill files go). */
    void releaseLarge(int kept) {
        for (SpillBuffer buffer : tx) {
            buffer.shrink(kept);
        }
    }
}
