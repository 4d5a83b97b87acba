package io.redisreplica.router.routing;

import org.agrona.DirectBuffer;

import io.redisreplica.router.support.SpillFiles;

/**
 * What each shard's journal receives of the master command being routed: a command for a shard
 * goes to the values read from the master while a read is being restored ({@link ReadEntries}),
 * else to the open transaction ({@link ShardTransactions}), else to the shard's entry for this
 * master command ({@link PendingEntries}). Every master command yields at most one entry per
 * shard of its own, then one of read values.
 *
 * <p>One big command, transaction or read must not hold its size in the heap for good (the
 * upstream read buffer shrinks back too): once journaled, buffers that grew past
 * {@link #BUFFER_KEPT} are replaced by small ones, between master commands and outside a
 * transaction; otherwise that costs a boolean test.
 */
final class ShardEntries {
    /** Buffers past this size are let go once what they held is journaled. */
    static final int BUFFER_KEPT = 1 << 20;

    private final ShardDbs shardDbs;
    private final PendingEntries pending;
    private final ReadEntries reads;
    private final ShardTransactions transactions;
    /** The commands being routed are a read's result: they go to {@link #reads}. */
    private boolean restoring;
    /** A big command, transaction or read went through since the last release: some buffer may have grown. */
    private boolean mayHoldLarge;
    /** An entry at least this long may have grown a buffer past {@link #BUFFER_KEPT} or into a spill file. */
    private final int largeEntry;

    ShardEntries(int shards, ShardAppender appender, RouteCounters counters, SpillFiles spill) {
        this.largeEntry = Math.min(BUFFER_KEPT / 4, spill.heapLimit());
        this.shardDbs = new ShardDbs(shards);
        this.pending = new PendingEntries(shards, appender, shardDbs, counters, spill);
        this.reads = new ReadEntries(shards, appender, shardDbs, counters, spill);
        this.transactions = new ShardTransactions(shards, appender, shardDbs, counters, spill);
    }

    /** The master command about to be routed: {@code length} bytes in {@code buffer}. */
    void command(DirectBuffer buffer, int length) {
        pending.command(buffer);
        mayHoldLarge |= length >= largeEntry;
    }

    /** Adds a command for a shard, in {@code targetDb}: to the read values, the open transaction or the shard's entry. */
    void emit(int shard, int targetDb, DirectBuffer bytes, int offset, int length) {
        if (restoring) {
            reads.add(shard, targetDb, bytes, offset, length);
        } else if (transactions.open()) {
            transactions.add(shard, targetDb, bytes, offset, length);
        } else {
            pending.add(shard, targetDb, bytes, offset, length);
        }
    }

    /** While true, what is emitted are values read from the master. */
    void restoring(boolean value) {
        restoring = value;
    }

    /** Whether a MULTI of the master is open. */
    boolean inTransaction() {
        return transactions.open();
    }

    void multi() {
        transactions.begin();
    }

    /** Appends each shard's transaction, then the values reads of the master gave during it. */
    void exec() {
        mayHoldLarge |= transactions.exec() >= largeEntry;
        flushReads();
    }

    /** The master command is routed (outside a transaction): appends its entries, then the read values. */
    void commandDone() {
        pending.flush();
        flushReads();
        if (mayHoldLarge) {
            pending.releaseLarge(BUFFER_KEPT);
            reads.releaseLarge(BUFFER_KEPT);
            transactions.releaseLarge(BUFFER_KEPT);
            mayHoldLarge = false;
        }
    }

    private void flushReads() {
        if (reads.flush()) {
            mayHoldLarge = true; // a read may carry a big value
        }
    }

    /** After a new snapshot or a restart: the next entry of each shard selects. */
    void forgetShardDbs() {
        shardDbs.forget();
    }

    /** After a new snapshot: no transaction is open, no read value waits. */
    void reset() {
        transactions.reset();
        reads.clear();
        shardDbs.forget();
    }

    /**
     * Forgets what a command that failed half-way left behind; the shards' dbs too (a SELECT may
     * have been counted as journaled and not be): the next entries select again.
     */
    void abandon() {
        pending.abandon();
        reads.abandon();
        restoring = false;
        shardDbs.forget();
    }
}
