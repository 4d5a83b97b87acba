package io.redisreplica.router.routing;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.RespWriter;

/**
 * A MULTI/EXEC of the master as one transaction per shard that has commands in it, with its
 * SELECTs in place, each appended as a single journal entry (MULTI ... EXEC) so that no PSYNC can
 * start inside it. A shard the transaction does not touch gets nothing.
 */
final class ShardTransactions {
    private final ShardAppender appender;
    private final ShardDbs shardDbs;
    private final RouteCounters counters;
    private final RespWriter writer = new RespWriter();
    private boolean open;
    private final ExpandableArrayBuffer[] tx;
    private final int[] txLength;
    private final int[] txCommands;
    /** The db each shard's transaction is in after its last command. */
    private final int[] txDb;
    /** The db each shard's transaction's first command is in (the entry's db). */
    private final int[] txFirstDb;
    private ExpandableArrayBuffer entry = new ExpandableArrayBuffer(4096);

    ShardTransactions(int shards, ShardAppender appender, ShardDbs shardDbs, RouteCounters counters) {
        this.appender = appender;
        this.shardDbs = shardDbs;
        this.counters = counters;
        this.tx = new ExpandableArrayBuffer[shards];
        this.txLength = new int[shards];
        this.txCommands = new int[shards];
        this.txDb = new int[shards];
        this.txFirstDb = new int[shards];
        for (int i = 0; i < shards; i++) {
            tx[i] = new ExpandableArrayBuffer(256);
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
        final ExpandableArrayBuffer buffer = tx[shard];
        if (txCommands[shard] == 0) {
            txLength[shard] = 0;
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
            final int start = writer.wrap(entry, 0).command("MULTI").length();
            entry.putBytes(start, tx[s], 0, txLength[s]);
            final int end = writer.wrap(entry, start + txLength[s]).command("EXEC").position();
            final boolean appended = appender.append(s, txFirstDb[s], false, entry, 0, end);
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

    /** Replaces the buffers that grew past {@code kept} by small ones; true when one was. */
    boolean releaseLarge(int kept) {
        boolean released = false;
        for (int s = 0; s < tx.length; s++) {
            if (tx[s].capacity() > kept) {
                tx[s] = new ExpandableArrayBuffer(256);
                released = true;
            }
        }
        if (entry.capacity() > kept) {
            entry = new ExpandableArrayBuffer(4096);
            released = true;
        }
        if (released) {
            writer.wrap(entry, 0); // the writer may still wrap a released buffer
        }
        return released;
    }
}
