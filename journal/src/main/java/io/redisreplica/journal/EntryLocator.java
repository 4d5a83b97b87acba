package io.redisreplica.journal;

import java.util.NavigableSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Finds entries in a shard's queue by shard offset, by time and at its ends, reading only
 * headers ({@link EntryHeader}) with one tailer of its own. Thread-safe: callers take turns.
 *
 * <p>Offsets grow with queue indexes, so an offset is found by a binary search over the files and
 * then over the documents of one file: O(log n) header reads.
 *
 * <p>Over 300 lines: the two binary searches (files, then entries) and the rules for pieces of an
 * entry, abandoned or whole, are one answer to "where does this offset start".
 */
final class EntryLocator {
    private static final Logger LOG = LoggerFactory.getLogger(EntryLocator.class);

    private final String name;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer probe;

    EntryLocator(String name, SingleChronicleQueue queue) {
        this.name = name;
        this.queue = queue;
        this.probe = queue.createTailer();
        probe.singleThreadedCheckDisabled(true);
    }

    /**
     * The start offset of the first retained entry, or {@code whenEmpty} when there is none. Tail
     * pieces of an entry whose head retention deleted are not an entry: the first one starts
     * after them.
     */
    synchronized long firstOffset(long whenEmpty) {
        probe.direction(TailerDirection.FORWARD).toStart();
        while (true) {
            try (DocumentContext dc = probe.readingDocument()) {
                final EntryHeader first = EntryHeader.of(dc);
                if (first == null) {
                    return whenEmpty;
                }
                if (!first.continuation()) {
                    return first.startOffset();
                }
            }
        }
    }

    /** Documents retained (an entry in pieces counts once per piece), by Chronicle's count per file. */
    synchronized long documentCount() {
        long count = 0;
        for (long cycle : cycles()) {
            count += probe.excerptsInCycle((int) cycle);
        }
        return count;
    }

    /**
     * The last whole entry, or null when there is none. When the journal ends with pieces of an
     * unfinished entry (its writer died between them), the journal ends where that entry starts:
     * the answer is then a header of length 0 at that start, with the upstream offset before it.
     */
    synchronized EntryHeader lastEntry() {
        probe.direction(TailerDirection.BACKWARD).toEnd();
        try {
            final EntryHeader last;
            try (DocumentContext dc = probe.readingDocument()) {
                last = EntryHeader.of(dc);
            }
            if (last == null || !last.continued()) {
                return last;
            }
            EntryHeader first = last;
            while (first.continuation()) {
                final EntryHeader before;
                try (DocumentContext dc = probe.readingDocument()) {
                    before = EntryHeader.of(dc);
                }
                if (before == null) {
                    break; // its head was deleted too
                }
                first = before;
            }
            LOG.warn("journal shard {}: ends with pieces of an entry that was never finished (offsets {}..{}): "
                + "they are skipped, the journal continues at {}", name, first.startOffset(), last.endOffset(), first.startOffset());
            return new EntryHeader(first.startOffset(), first.upstreamOffset(), 0, 0);
        } finally {
            probe.direction(TailerDirection.FORWARD);
        }
    }

    /** The end offset of the last whole entry (see {@link #lastEntry()}), or 0 when there is none. */
    long lastEntryEnd() {
        final EntryHeader last = lastEntry();
        return last == null ? 0 : last.endOffset();
    }

    /**
     * Follows the pieces of the entry whose first piece is at queue {@code index}, reading only
     * their headers, up to its last piece: is it whole and readable up to {@code readable}?
     */
    synchronized PieceRun pieceRun(long index, long readable) {
        probe.direction(TailerDirection.FORWARD);
        if (!probe.moveToIndex(index)) {
            return PieceRun.INCOMPLETE;
        }
        EntryHeader current;
        try (DocumentContext dc = probe.readingDocument()) {
            current = EntryHeader.of(dc);
        }
        if (current == null) {
            return PieceRun.INCOMPLETE;
        }
        final long start = current.startOffset();
        int pieces = 1;
        while (current.continued()) {
            final EntryHeader next;
            final long nextIndex;
            try (DocumentContext dc = probe.readingDocument()) {
                next = EntryHeader.of(dc);
                nextIndex = dc.isPresent() ? dc.index() : -1;
            }
            if (next == null || next.endOffset() > readable) {
                return PieceRun.INCOMPLETE;
            }
            if (!next.continuation()) {
                return new PieceRun(PieceRun.Kind.ABANDONED, 0, nextIndex, pieces);
            }
            current = next;
            pieces++;
        }
        return new PieceRun(PieceRun.Kind.COMPLETE, current.endOffset() - start, -1, pieces);
    }

    /**
     * Finds the entry that starts at {@code offset} and moves {@code tailer} there: O(log n) reads,
     * a binary search over files and then over the entries of one file. An offset where a piece
     * of an entry starts or ends, other than the entry's own start and end, is NOT_BOUNDARY.
     *
     * <p>Pieces a writer abandoned (it died between them) are followed by entries that start
     * again at the abandoned entry's start, so starts are not monotonic over that stretch: a
     * search landing in it may answer NOT_BOUNDARY for an offset that is a boundary (a full
     * resync where a continue was possible), never BOUNDARY where there is none.
     *
     * @param end the journal's end offset
     * @param readable what readers may read up to (see {@link ShardJournal#readableEnd()})
     */
    synchronized SeekResult locate(long offset, ExcerptTailer tailer, long end, long readable) {
        if (offset > end) {
            return SeekResult.BEYOND_END;
        }
        if (queue.firstIndex() == Long.MAX_VALUE) {
            if (offset == end) {
                tailer.toEnd();
                return SeekResult.BOUNDARY;
            }
            return SeekResult.BEFORE_START;
        }
        final long[] cycles = cycles();
        // last file whose first entry starts at or before offset
        int lo = 0;
        int hi = cycles.length - 1;
        int found = -1;
        long firstStart = Long.MAX_VALUE; // of the whole journal: the search's last probe, when nothing is found, is file 0
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            final long start = firstStartInOrAfter(cycles, mid);
            if (mid == 0) {
                firstStart = start;
            }
            if (start == Long.MAX_VALUE || start > offset) {
                hi = mid - 1;
            } else {
                found = mid;
                lo = mid + 1;
            }
        }
        if (found < 0) {
            if (offset == end && firstStart == Long.MAX_VALUE) {
                // no whole document anywhere: the files hold none yet but the one a writer is making
                // (its file exists before its first document is whole), and that one starts here.
                // Seen under load as a replica attached at a new journal's first snapshot: the start
                // of the queue is where the next entry is read. A whole first entry that starts
                // after this end means the journal does not hold it: before its start.
                tailer.toStart();
                return SeekResult.BOUNDARY;
            }
            return SeekResult.BEFORE_START;
        }
        final int cycle = (int) cycles[found];
        long seqLo = 0;
        long seqHi = probe.excerptsInCycle(cycle) - 1;
        long bestIndex = -1;
        EntryHeader best = null;
        while (seqLo <= seqHi) {
            final long mid = (seqLo + seqHi) >>> 1;
            final long index = queue.rollCycle().toIndex(cycle, mid);
            final EntryHeader entry = readAt(index);
            if (entry == null) {
                seqHi = mid - 1; // an incomplete trailing document: not an entry
                continue;
            }
            if (entry.startOffset() <= offset) {
                bestIndex = index;
                best = entry;
                seqLo = mid + 1;
            } else {
                seqHi = mid - 1;
            }
        }
        if (best == null) {
            return SeekResult.BEFORE_START;
        }
        if (best.startOffset() == offset) {
            if (best.continuation()) {
                return SeekResult.NOT_BOUNDARY; // a piece starts here, its entry earlier
            }
            if (best.continued()) {
                final PieceRun run = pieceRun(bestIndex, readable);
                if (run.kind() == PieceRun.Kind.ABANDONED) {
                    // pieces of an entry never finished; the writer started again at the same offset
                    final EntryHeader next = readAt(run.resumeIndex());
                    if (next == null || next.startOffset() != offset || next.continuation()) {
                        return SeekResult.NOT_BOUNDARY;
                    }
                    tailer.moveToIndex(run.resumeIndex());
                    return SeekResult.BOUNDARY;
                }
            }
            tailer.moveToIndex(bestIndex);
            return SeekResult.BOUNDARY;
        }
        if (offset < best.endOffset() || best.continued()) {
            return SeekResult.NOT_BOUNDARY; // inside an entry, or at the end of a piece that is not its last
        }
        // offset == end of the last entry
        tailer.moveToIndex(bestIndex);
        try (DocumentContext dc = tailer.readingDocument()) {
            return dc.isPresent() ? SeekResult.BOUNDARY : SeekResult.NOT_BOUNDARY;
        }
    }

    /**
     * Where to start reading for entries written at or after {@code epochMillis}: the first entry
     * of the roll cycle that holds that time, or of the next file; {@code whenNone} when nothing
     * was written since. See {@link ShardJournal#offsetAtOrAfter(long)}.
     */
    synchronized long offsetAtOrAfter(long epochMillis, long whenNone) {
        final long[] cycles = cycles();
        final long cycle = Math.floorDiv(epochMillis - queue.epoch(), queue.rollCycle().lengthInMillis());
        int i = 0;
        while (i < cycles.length && cycles[i] < cycle) {
            i++;
        }
        final long start = firstStartInOrAfter(cycles, i);
        return start == Long.MAX_VALUE ? whenNone : Math.max(start, firstOffset(whenNone));
    }

    /** The end offset of the last document of a file, or {@code Long.MIN_VALUE} when it holds none. */
    synchronized long lastEndInCycle(long cycle) {
        final long n = probe.excerptsInCycle((int) cycle);
        final EntryHeader last = n == 0 ? null : readAt(queue.rollCycle().toIndex((int) cycle, n - 1));
        return last == null ? Long.MIN_VALUE : last.endOffset();
    }

    /**
     * Start offset of the first entry of cycles[i] (tail pieces of an entry begun in an earlier
     * file are not one), or of the next file that has one; MAX_VALUE if none.
     */
    private long firstStartInOrAfter(long[] cycles, int i) {
        for (int c = i; c < cycles.length; c++) {
            final long n = probe.excerptsInCycle((int) cycles[c]);
            for (long seq = 0; seq < n; seq++) {
                final EntryHeader entry = readAt(queue.rollCycle().toIndex((int) cycles[c], seq));
                if (entry == null) {
                    break;
                }
                if (!entry.continuation()) {
                    return entry.startOffset();
                }
            }
        }
        return Long.MAX_VALUE;
    }

    /** The header of the document at a queue index, or null. */
    private EntryHeader readAt(long index) {
        if (!probe.moveToIndex(index)) {
            return null;
        }
        try (DocumentContext dc = probe.readingDocument()) {
            return EntryHeader.of(dc);
        }
    }

    /** Makes Chronicle list the directory again (after files were deleted). */
    synchronized void refresh() {
        queue.refreshDirectoryListing();
    }

    /** The roll cycles (files) retained, oldest first. */
    synchronized long[] cycles() {
        queue.refreshDirectoryListing();
        final int first = queue.firstCycle();
        final int last = queue.lastCycle();
        if (first == Integer.MAX_VALUE || last < first) {
            return new long[0]; // a shard without a file yet: Chronicle says MAX_VALUE, and listing that range throws
        }
        final NavigableSet<Long> set = queue.listCyclesBetween(first, last);
        return set.stream().mapToLong(Long::longValue).toArray();
    }
}
