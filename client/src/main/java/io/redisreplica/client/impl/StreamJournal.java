package io.redisreplica.client.impl;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.client.ReplicationClient.Position;
import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.JournalWriter;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.journal.ShardJournal;

/**
 * The journal of a {@link io.redisreplica.client.JournaledClient}: one shard ({@value #SHARD})
 * holding every command delivered to the application, each entry the command's RESP bytes with
 * the master's offset after it and its db, and one receiver ({@value #RECEIVER}) in the
 * checkpoint: the journal offset the application acknowledged, with the master's position there
 * on the checkpoint's {@code upstream} line. The shard's {@code replid} is the master's history
 * the entries after the last full resync belong to.
 *
 * <p>A full resync is journaled as an entry flagged {@link JournalEntryDescriptor#FLAG_EPOCH_START}
 * (payload {@code FULLRESYNC replid offset}) before the snapshot is read: the snapshot itself is
 * not journaled, so a restart that finds such a marker after the acknowledged offset cannot
 * deliver what follows it and asks the master for a new snapshot instead.
 */
public final class StreamJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamJournal.class);
    /** The journal's one shard. */
    public static final String SHARD = "stream";
    /** The application, as the checkpoint's receiver. */
    public static final String RECEIVER = "application";
    private static final long RETENTION_INTERVAL_MILLIS = 60_000;

    private final Journal journal;
    private final ShardJournal shard;
    private final JournalWriter writer;
    private final Position acknowledged;
    /** Reads the entries delivered and not acknowledged before the last stop; null when there are none. */
    private JournalReader pending;
    private final long pendingEnd;
    private final long pendingCount;
    private final Position resumeFrom;
    private String replid;
    private long epoch;
    private long lastRetention;

    private StreamJournal(Journal journal, ShardJournal shard, JournalWriter writer, Position acknowledged, JournalReader pending,
                          long pendingEnd, long pendingCount, Position resumeFrom, String replid, long epoch) {
        this.journal = journal;
        this.shard = shard;
        this.writer = writer;
        this.acknowledged = acknowledged;
        this.pending = pending;
        this.pendingEnd = pendingEnd;
        this.pendingCount = pendingCount;
        this.resumeFrom = resumeFrom;
        this.replid = replid;
        this.epoch = epoch;
    }

    /**
     * Opens (creating) the journal and works out what to deliver again and where to ask the master
     * to continue: the entries after the acknowledged offset up to the first full-resync marker
     * among them, then from the last of those (or from the acknowledged position when there are
     * none); from nothing (a full resync) when nothing was acknowledged or a marker was found.
     */
    public static StreamJournal open(JournalContext context) {
        final Journal journal = Journal.open(context);
        try {
            final ShardJournal shard = journal.shard(SHARD);
            final JournalWriter writer = shard.writer(0);
            final Checkpoint checkpoint = journal.checkpoint();
            final Checkpoint.ReceiverState receiver = checkpoint.receiver(SHARD, RECEIVER);
            final Checkpoint.ShardState state = checkpoint.shards().get(SHARD);
            final String replid = state == null ? "?" : state.replid();
            final long epoch = state == null ? 0 : state.epoch();
            if (receiver == null || receiver.needsFullResync()) {
                return new StreamJournal(journal, shard, writer, Position.NONE, null, 0, 0, Position.NONE, replid, epoch);
            }
            final Position acknowledged = new Position(checkpoint.upstreamReplid(), checkpoint.upstreamOffset(), checkpoint.upstreamDb());
            final JournalReader scan = shard.reader();
            final SeekResult seek = scan.seek(receiver.ackedOffset());
            if (seek != SeekResult.BOUNDARY) {
                scan.close();
                LOG.warn("journal {}: the acknowledged offset {} is {} of the journal ({} to {}): starting with a full resync",
                    context.dir(), receiver.ackedOffset(), seek, shard.firstOffset(), shard.endOffset());
                return new StreamJournal(journal, shard, writer, Position.NONE, null, 0, 0, Position.NONE, replid, epoch);
            }
            // the entries to deliver again: up to the end, or to a full resync whose snapshot was not acknowledged
            final JournalEntry entry = new JournalEntry();
            long end = receiver.ackedOffset();
            long count = 0;
            long lastOffset = -1;
            int lastDb = 0;
            boolean marker = false;
            while (scan.nextPiece(entry)) {
                if ((entry.flags() & JournalEntryDescriptor.FLAG_EPOCH_START) != 0) {
                    marker = true;
                    break;
                }
                if ((entry.flags() & JournalEntryDescriptor.FLAG_CONTINUED) == 0) {
                    count++;
                    end = entry.endOffset();
                    lastOffset = entry.upstreamOffset();
                    lastDb = entry.db();
                }
            }
            scan.close();
            final Position resume = marker ? Position.NONE : count > 0 ? new Position(replid, lastOffset, lastDb) : acknowledged;
            JournalReader pending = null;
            if (count > 0) {
                pending = shard.reader();
                pending.seek(receiver.ackedOffset());
            }
            LOG.info("journal {}: acknowledged {}; {} commands to deliver again{}", context.dir(), acknowledged, count,
                marker ? ", then a full resync (one was not acknowledged)" : "");
            return new StreamJournal(journal, shard, writer, acknowledged, pending, end, count, resume, replid, epoch);
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /** The application's last acknowledged position ({@link Position#NONE} when none). */
    public Position acknowledged() {
        return acknowledged;
    }

    /** Where to ask the master to continue once the entries to deliver again are delivered. */
    public Position resumeFrom() {
        return resumeFrom;
    }

    /** How many entries {@link #nextPending} delivers in all. */
    public long pendingCount() {
        return pendingCount;
    }

    /** The master's history the journaled entries belong to (the shard's replid). */
    public String replid() {
        return replid;
    }

    /** The next entry to deliver again, whole, or false when they are all delivered. */
    public boolean nextPending(JournalEntry entry) {
        if (pending == null) {
            return false;
        }
        if (pending.position() >= pendingEnd || !pending.next(entry)) {
            pending.close();
            pending = null;
            return false;
        }
        return true;
    }

    /** Records that the entries that follow belong to the master's history {@code id} (a failover keeps the offsets). */
    public void history(String id) {
        if (!id.equals(replid)) {
            replid = id;
            journal.writeCheckpoint(journal.checkpoint().shard(SHARD, id, epoch, -1, writer.commit()));
        }
    }

    /** Journals a full resync before its snapshot is read: see the class comment. */
    public long fullResync(String id, long offset) {
        final byte[] payload = ("*3\r\n$10\r\nFULLRESYNC\r\n$" + id.length() + "\r\n" + id + "\r\n$" + Long.toString(offset).length()
            + "\r\n" + offset + "\r\n").getBytes(StandardCharsets.US_ASCII);
        writer.append(offset, 0, JournalEntryDescriptor.FLAG_EPOCH_START, payload);
        final long end = writer.commit();
        replid = id;
        epoch++;
        journal.writeCheckpoint(journal.checkpoint().shard(SHARD, id, epoch, -1, end));
        return end;
    }

    /** Journals one command (committed before it is delivered); returns the journal offset after it. */
    public long append(DirectBuffer buffer, int offset, int length, long upstreamOffset, int db) {
        writer.append(upstreamOffset, db, 0, buffer, offset, length);
        return writer.commit();
    }

    /**
     * Records durably that the application has applied everything up to {@code journalOffset},
     * where the master stood at {@code at}; now and then deletes journal files before it.
     */
    public void acknowledge(long journalOffset, Position at) {
        journal.writeCheckpoint(journal.checkpoint().upstream(at.replid(), at.offset(), at.db())
            .receiver(SHARD, RECEIVER, journalOffset, false));
        final long now = System.currentTimeMillis();
        if (now - lastRetention >= RETENTION_INTERVAL_MILLIS) {
            lastRetention = now;
            shard.applyRetention(Map.of(RECEIVER, journalOffset), now);
        }
    }

    @Override
    public void close() {
        if (pending != null) {
            pending.close();
        }
        writer.close();
        journal.close();
    }
}
