package io.redisreplica.journal;

import java.util.concurrent.TimeUnit;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

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
    /** Between the first and the last piece of an entry. */
    private boolean inEntry;
    /** The length of the entry whose first piece was read last (from its run of pieces), and its pieces. */
    private long runLength;
    private int runPieces;
    /** Where to move once the current document is closed: past abandoned pieces; -1 for nowhere. */
    private long skipTo = -1;
    private long skippedPieces;
    /** The last entry read whole from its pieces, until the next call. */
    private UnsafeBuffer whole;

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
            inEntry = false;
        }
        return result;
    }

    /** The offset where the next entry starts (after {@link #seek} or a read), or the first retained entry. */
    public long position() {
        return position == UNSET ? shard.firstOffset() : position;
    }

    /**
     * Reads the next committed entry into {@code entry}, whole: an entry written in pieces is
     * joined here into one array of its length (allocated for it, and let go at the next call),
     * so what interprets entries as commands sees each command whole. An entry in one piece is
     * read without allocating.
     *
     * @return false when there is none yet
     * @throws JournalException when the entry is corrupt or does not start where the last ended
     */
    public boolean next(JournalEntry entry) {
        whole = null; // the last big entry's bytes: the caller's view of them ended with this call
        if (!nextPiece(entry)) {
            return false;
        }
        if ((entry.flags() & JournalEntryDescriptor.FLAG_CONTINUED) == 0) {
            return true;
        }
        final long start = entry.startOffset();
        final long index = entry.index();
        final int db = entry.db();
        final int flags = entry.flags() & ~JournalEntryDescriptor.PIECE_FLAGS;
        final long length = runLength;
        if (length > Integer.MAX_VALUE - 16 || length > (long) runPieces * JournalContext.MAX_MAX_PIECE_LENGTH) {
            // damaged headers must not make us allocate what no entry of that many pieces can hold
            throw corrupt(index, "entry of " + length + " bytes in " + runPieces + " pieces is too long to read whole");
        }
        final byte[] bytes = new byte[(int) length];
        int at = 0;
        while (true) {
            entry.payload().getBytes(entry.payloadOffset(), bytes, at, entry.payloadLength());
            at += entry.payloadLength();
            if ((entry.flags() & JournalEntryDescriptor.FLAG_CONTINUED) == 0) {
                break;
            }
            if (!nextPiece(entry)) {
                throw corrupt(index, "entry at offset " + start + " ends after " + at + " of its " + length + " bytes");
            }
        }
        whole = new UnsafeBuffer(bytes);
        entry.set(entry.endOffset(), entry.upstreamOffset(), db, flags, index, whole, 0, at);
        return true;
    }

    /**
     * Reads the next committed document into {@code entry}: a whole entry, or one piece of an
     * entry written in pieces ({@link JournalEntryDescriptor#FLAG_CONTINUED} in its flags until
     * the last). For what forwards bytes as they are (a replica's stream): it holds at most one
     * piece. The first piece of an entry is returned only once every piece is committed, so an
     * entry is read whole or not at all; pieces a writer abandoned are skipped.
     *
     * @return false when there is none yet
     * @throws JournalException when the entry is corrupt or does not start where the last ended
     */
    public boolean nextPiece(JournalEntry entry) {
        while (true) {
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
                final boolean continuation = (flags & JournalEntryDescriptor.FLAG_CONTINUATION) != 0;
                if (!inEntry && continuation) {
                    if (position != UNSET) {
                        throw corrupt(index, "a piece of an entry at offset " + (end - length) + " without its first piece");
                    }
                    skippedPieces++;
                    continue; // the tail of an entry whose head retention deleted: the first entry starts after it
                }
                if (inEntry && !continuation) {
                    throw corrupt(index, "entry at offset " + (end - length) + " where a piece of the entry before was expected");
                }
                if (!inEntry && (flags & JournalEntryDescriptor.FLAG_CONTINUED) != 0) {
                    final PieceRun run = shard.pieceRun(index, readable);
                    if (run.kind() == PieceRun.Kind.INCOMPLETE) {
                        dc.rollbackOnClose();
                        return false;
                    }
                    if (run.kind() == PieceRun.Kind.ABANDONED) {
                        skipTo = run.resumeIndex();
                        skippedPieces += run.pieces();
                        continue;
                    }
                    runLength = run.length();
                    runPieces = run.pieces();
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
                inEntry = (flags & JournalEntryDescriptor.FLAG_CONTINUED) != 0;
                entry.set(end, upstream, db, flags, index, payload, 0, length);
                return true;
            } finally {
                if (skipTo >= 0) {
                    final long to = skipTo;
                    skipTo = -1;
                    tailer.moveToIndex(to);
                }
            }
        }
    }

    /**
     * Documents this reader skipped: pieces of an entry a writer never finished, and tail pieces
     * of an entry whose head retention deleted.
     */
    public long skippedPieces() {
        return skippedPieces;
    }

    /** The queue index of the last document read (the last piece of the last entry), or -1 before any. */
    long lastIndex() {
        return tailer.lastReadIndex();
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
