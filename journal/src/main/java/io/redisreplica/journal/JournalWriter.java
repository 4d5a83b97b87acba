package io.redisreplica.journal;

import org.agrona.DirectBuffer;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Appends a shard's entries. One per shard, used by one thread (the router's upstream link).
 *
 * <p>{@link #append} writes an entry; {@link #commit()} makes every entry appended so far
 * durable (as {@link JournalContext.Sync} promises) and visible to readers, in one step for the
 * whole batch. The router commits once per batch of upstream bytes, then acknowledges upstream
 * only what is committed.
 */
public final class JournalWriter implements AutoCloseable {
    private final ShardJournal shard;
    private final ExcerptAppender appender;
    private final boolean syncOnCommit;
    private long endOffset;
    private long lastUpstreamOffset = -1;
    private boolean dirty;
    private long entries;
    private long pieceEntries;
    private final int maxPieceLength;

    JournalWriter(ShardJournal shard, ExcerptAppender appender, long endOffset, boolean syncOnCommit, int maxPieceLength) {
        this.shard = shard;
        this.maxPieceLength = maxPieceLength;
        this.appender = appender;
        this.endOffset = endOffset;
        this.lastUpstreamOffset = shard.lastUpstreamOffset();
        this.syncOnCommit = syncOnCommit;
    }

    /**
     * Appends one entry: {@code length} RESP bytes of {@code payload} from {@code offset}. An
     * entry longer than {@link JournalContext#maxPieceLength()} is written as consecutive pieces
     * (see {@link JournalEntryDescriptor}), published together by the next {@link #commit()}.
     *
     * @return the shard offset at the end of the entry
     * @throws JournalException when the disk is nearly full or the write fails; nothing of the
     *     entry is then committed (pieces written before a failure are abandoned: readers skip them)
     */
    public long append(long upstreamOffset, int db, int flags, DirectBuffer payload, int offset, int length) {
        if (length <= maxPieceLength) {
            shard.checkWritable(length + JournalEntryDescriptor.HEADER_LENGTH);
            writeDocument(endOffset + length, upstreamOffset, db, flags, payload, offset, length);
        } else {
            final int pieces = (int) ((length + (long) maxPieceLength - 1) / maxPieceLength);
            shard.checkWritable(length + (long) pieces * JournalEntryDescriptor.HEADER_LENGTH);
            final long start = endOffset;
            final long upstreamBefore = lastUpstreamOffset;
            int done = 0;
            for (int i = 0; i < pieces; i++) {
                final int n = Math.min(maxPieceLength, length - done);
                final boolean last = i == pieces - 1;
                final int pieceFlags = (i == 0 ? flags : JournalEntryDescriptor.FLAG_CONTINUATION)
                    | (last ? 0 : JournalEntryDescriptor.FLAG_CONTINUED);
                writeDocument(start + done + n, last ? upstreamOffset : upstreamBefore, db, pieceFlags, payload, offset + done, n);
                done += n;
            }
            pieceEntries++;
        }
        endOffset += length;
        lastUpstreamOffset = upstreamOffset;
        dirty = true;
        entries++;
        return endOffset;
    }

    private void writeDocument(long end, long upstreamOffset, int db, int flags, DirectBuffer payload, int offset, int length) {
        final DocumentContext dc = appender.writingDocument();
        try {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeLong(end);
            bytes.writeLong(upstreamOffset);
            bytes.writeInt(db);
            bytes.writeInt(flags);
            bytes.writeInt(length);
            final byte[] array = payload.byteArray();
            if (array != null) {
                bytes.write(array, (int) payload.wrapAdjustment() + offset, length);
            } else {
                bytes.unsafeWrite(payload.addressOffset() + offset, length);
            }
        } catch (RuntimeException e) {
            dc.rollbackOnClose();
            throw new JournalException("journal shard " + shard.name() + ": append at offset " + endOffset
                + " failed: " + e.getMessage(), e);
        } finally {
            dc.close();
        }
    }

    /** Appends a whole byte array (convenience for tests and cold paths). */
    public long append(long upstreamOffset, int db, int flags, byte[] payload) {
        return append(upstreamOffset, db, flags, new org.agrona.concurrent.UnsafeBuffer(payload), 0, payload.length);
    }

    /**
     * Makes every entry appended so far durable and visible to readers.
     *
     * @return the committed end offset
     */
    public long commit() {
        if (dirty) {
            if (syncOnCommit) {
                appender.sync();
            }
            shard.publish(endOffset, lastUpstreamOffset);
            dirty = false;
        }
        return endOffset;
    }

    /** Entries this writer has appended since it was opened. */
    public long entries() {
        return entries;
    }

    /** Entries this writer has appended in more than one piece. */
    public long pieceEntries() {
        return pieceEntries;
    }

    /** The upstream offset of the last appended entry (committed or not), or -1. */
    public long lastUpstreamOffset() {
        return lastUpstreamOffset;
    }

    /** The shard offset after the last appended entry (committed or not). */
    public long endOffset() {
        return endOffset;
    }

    void closeAppender() {
        appender.close();
    }

    /** Commits what was appended and releases the appender. */
    @Override
    public void close() {
        commit();
    }
}
