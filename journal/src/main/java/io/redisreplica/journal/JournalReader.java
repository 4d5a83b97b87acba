package io.redisreplica.journal;

import java.util.concurrent.TimeUnit;

import org.agrona.ExpandableArrayBuffer;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads a shard's committed entries in order, each downstream session at its own pace. A reader
 * holds no entries: a stalled receiver costs a file position, not memory.
 *
 * <p>{@link #next(JournalEntry)} returns false at the end; {@link #await} then sleeps until a
 * writer commits more (no busy spinning). One reader is used by one thread at a time.
 */
public final class JournalReader implements AutoCloseable {
    private static final long UNSET = Long.MIN_VALUE;

    private final ShardJournal shard;
    private final ExcerptTailer tailer;
    /** The entry's bytes, copied out of the mapped file so a view never outlives its mapping. */
    private final ExpandableArrayBuffer payload = new ExpandableArrayBuffer(4096);
    private long position = UNSET;

    JournalReader(ShardJournal shard, ExcerptTailer tailer) {
        this.shard = shard;
        this.tailer = tailer;
    }

    /**
     * Positions the reader so the next entry starts at {@code offset}.
     *
     * @return {@link SeekResult#BOUNDARY} when it did; otherwise the reader did not move
     */
    public SeekResult seek(long offset) {
        final SeekResult result = shard.locate(offset, tailer);
        if (result == SeekResult.BOUNDARY) {
            position = offset;
        }
        return result;
    }

    /** The offset where the next entry starts (after {@link #seek} or a read), or the first retained entry. */
    public long position() {
        return position == UNSET ? shard.firstOffset() : position;
    }

    /**
     * Reads the next committed entry into {@code entry}.
     *
     * @return false when there is none yet
     * @throws JournalException when the entry is corrupt or does not start where the last ended
     */
    public boolean next(JournalEntry entry) {
        final long readable = shard.readableEnd();
        if (position != UNSET && position >= readable) {
            return false;
        }
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return false;
            }
            final Bytes<?> b = dc.wire().bytes();
            final long index = dc.index();
            final long available = b.readRemaining();
            if (available < JournalEntryDescriptor.HEADER_LENGTH) {
                throw corrupt(index, "entry of " + available + " bytes is shorter than its header");
            }
            final long end = b.readLong();
            final long upstream = b.readLong();
            final int db = b.readInt();
            final int flags = b.readInt();
            final int length = b.readInt();
            if (length < 0 || length != b.readRemaining()) {
                throw corrupt(index, "entry says " + length + " bytes of RESP, holds " + b.readRemaining());
            }
            if (end > readable) {
                dc.rollbackOnClose(); // appended but not committed: not ours to read yet
                return false;
            }
            final long start = end - length;
            if (position != UNSET && start != position) {
                throw corrupt(index, "entry starts at offset " + start + ", expected " + position);
            }
            payload.checkLimit(length);
            b.read(payload.byteArray(), 0, length);
            position = end;
            entry.set(end, upstream, db, flags, index, payload, 0, length);
            return true;
        }
    }

    /**
     * Waits until an entry after {@link #position()} is committed.
     *
     * @return true when there is one, false on timeout
     */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return shard.awaitBeyond(position(), timeout, unit);
    }

    private JournalException corrupt(long index, String what) {
        return new JournalException("journal shard " + shard.name() + ": corrupt entry at index " + Long.toHexString(index)
            + " (offset " + position() + "): " + what);
    }

    @Override
    public void close() {
        tailer.close();
    }
}
