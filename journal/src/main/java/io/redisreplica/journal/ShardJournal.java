package io.redisreplica.journal;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * One shard's journal: a Chronicle queue in its own directory, its offsets, and the signal that
 * wakes readers when a writer commits.
 *
 * <p>Offsets are contiguous: every entry starts where the previous one ended. Readers see only
 * committed entries (in a read-only journal, every complete entry present).
 */
public final class ShardJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardJournal.class);

    private final String name;
    private final Path dir;
    private final JournalContext context;
    private final SingleChronicleQueue queue;
    private final DiskSpaceGuard diskSpace;
    /** Used for searches and end lookups; guarded by itself. */
    private final ExcerptTailer probe;
    private final Object commitSignal = new Object();

    private volatile long committedOffset;
    private volatile long lastUpstreamOffset;
    private volatile boolean closed;
    private JournalWriter writer;

    /** Chronicle's header word: the length of the file's first document, with this bit set while it is written. */
    private static final int NOT_COMPLETE = 0x80000000;

    /**
     * A writer killed while Chronicle created a file leaves it without its header (its first word
     * 0, or still marked not complete): no entry can be in it, and Chronicle, meeting it first,
     * fails its readers (an assertion, a NullPointerException) until an append renames it. The
     * journal's lock says no other writer is alive, so such a file is moved aside (to
     * {@code NAME.half-made}) before Chronicle opens the directory, and logged.
     */
    private static void setAsideHalfMadeFiles(String name, Path dir) {
        final java.io.File[] files = dir.toFile().listFiles((d, n) -> n.endsWith(".cq4"));
        if (files == null) {
            return;
        }
        for (java.io.File file : files) {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file.toPath())) {
                final java.nio.ByteBuffer word = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                final int read = channel.read(word, 0);
                final int header = read == 4 ? word.getInt(0) : 0;
                if (header != 0 && (header & NOT_COMPLETE) == 0) {
                    continue;
                }
                final Path aside = file.toPath().resolveSibling(file.getName() + ".half-made");
                java.nio.file.Files.move(file.toPath(), aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                LOG.warn("journal shard {}: {} was created by a writer that died before writing its header (no entry can be in it): "
                    + "moved aside to {}", name, file.getName(), aside.getFileName());
            } catch (java.io.IOException e) {
                throw new JournalException("journal shard " + name + ": cannot check " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** How long Chronicle waits on a dead writer's lock or half-written header at open. */
    static final long LOCK_RECOVERY_MS = 1_000;

    ShardJournal(String name, Path dir, JournalContext context) {
        this.name = name;
        this.dir = dir;
        this.context = context;
        if (!context.readOnly()) {
            setAsideHalfMadeFiles(name, dir);
        }
        try {
            this.queue = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(ChronicleSupport.rollCycle(context.rollCycle()))
                .syncMode(context.sync() == JournalContext.Sync.COMMIT ? SyncMode.SYNC : SyncMode.NONE)
                .readOnly(context.readOnly())
                .timeProvider(context.clockMillis()::getAsLong)
                // Chronicle waits this long for a write lock or a half-written header before it
                // recovers them (default 10 s, twice on open). The journal has one writer process
                // (its lock file), so any held at open belong to a writer that died: a router
                // restarted after kill -9 mid-append would otherwise stall ~20 s.
                .timeoutMS(LOCK_RECOVERY_MS)
                .build();
        } catch (RuntimeException e) {
            throw new JournalException("journal shard " + name + ": cannot open " + dir + ": " + e.getMessage(), e);
        }
        this.diskSpace = new DiskSpaceGuard(dir, context.minFreeBytes());
        this.probe = queue.createTailer();
        probe.singleThreadedCheckDisabled(true);
        final long[] last;
        try {
            last = lastEntry();
        } catch (RuntimeException | AssertionError e) { // Chronicle asserts on a file cut short under its index
            queue.close();
            throw new JournalException("journal shard " + name + ": cannot find its last entry in " + dir + ": " + e, e);
        }
        this.committedOffset = last == null ? 0 : last[0];
        this.lastUpstreamOffset = last == null ? -1 : last[1];
        LOG.info("journal shard {}: opened {} (first offset {}, end offset {}, last upstream offset {})",
            name, dir, firstOffset(), committedOffset, lastUpstreamOffset);
    }

    /**
     * Reads every entry of the journal back and checks that the offsets chain, that each entry's
     * payload passes {@code payloadCheck} (the router frames it as whole commands: the journal
     * keeps no checksum, so damaged bytes show as broken RESP) and that the journal ends no
     * earlier than {@code recordedEnd} (the end a checkpoint saw committed; -1: unknown). For the
     * start of the router, before anything appends.
     *
     * @return null when the journal is whole, else what is wrong and where
     */
    public String check(long recordedEnd, java.util.function.Predicate<JournalEntry> payloadCheck) {
        long end = firstOffset();
        try (JournalReader reader = reader()) {
            final JournalEntry entry = new JournalEntry();
            while (reader.next(entry)) {
                if (!payloadCheck.test(entry)) {
                    return "the entry at offset " + entry.startOffset() + " does not hold whole commands";
                }
                end = entry.endOffset();
            }
        } catch (RuntimeException e) {
            return "unreadable after offset " + end + ": " + e.getMessage();
        }
        if (end != committedOffset) {
            return "its entries end at offset " + end + " but it opened with an end of " + committedOffset;
        }
        if (recordedEnd > end) {
            return "it ends at offset " + end + " but the checkpoint saw it reach " + recordedEnd + " (truncated)";
        }
        return null;
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    /** The shard offset after the last committed entry: where the next entry starts. */
    public long endOffset() {
        return committedOffset;
    }

    /** The upstream offset of the last entry, or -1 when the journal is empty. */
    public long lastUpstreamOffset() {
        return lastUpstreamOffset;
    }

    /**
     * The start offset of the first retained entry, or {@link #endOffset()} when there is none.
     * Tail pieces of an entry whose head retention deleted are not an entry: the first one
     * starts after them.
     */
    public long firstOffset() {
        synchronized (probe) {
            probe.direction(TailerDirection.FORWARD).toStart();
            while (true) {
                try (DocumentContext dc = probe.readingDocument()) {
                    final long[] first = header(dc);
                    if (first == null) {
                        return committedOffset;
                    }
                    if ((first[3] & JournalEntryDescriptor.FLAG_CONTINUATION) == 0) {
                        return first[0] - first[2];
                    }
                }
            }
        }
    }

    /** Documents retained (entries, an entry in pieces counting once per piece), by Chronicle's count per file. */
    public long entryCount() {
        synchronized (probe) {
            long count = 0;
            for (long cycle : cycles()) {
                count += probe.excerptsInCycle((int) cycle);
            }
            return count;
        }
    }

    /** Files retained and their total size in bytes. */
    public long[] fileStats() {
        final File[] files = cycleFiles();
        long bytes = 0;
        for (File f : files) {
            bytes += f.length();
        }
        return new long[] {files.length, bytes};
    }

    /**
     * Opens the shard's only writer. {@code initialOffset} applies only to an empty journal: it is
     * where the first entry starts (a new shard starts at 0; after an epoch change, where the
     * previous epoch ended).
     */
    public synchronized JournalWriter writer(long initialOffset) {
        if (context.readOnly()) {
            throw new JournalException("journal shard " + name + " is open read-only");
        }
        if (writer != null) {
            throw new JournalException("journal shard " + name + " already has a writer");
        }
        if (isEmpty()) {
            committedOffset = initialOffset;
        }
        writer = new JournalWriter(this, queue.createAppender(), committedOffset, context.sync() == JournalContext.Sync.COMMIT,
            context.maxPieceLength());
        return writer;
    }

    /** A new reader at the first retained entry. */
    public JournalReader reader() {
        final ExcerptTailer tailer = queue.createTailer();
        tailer.singleThreadedCheckDisabled(true);
        return new JournalReader(this, tailer);
    }

    boolean isEmpty() {
        return queue.firstIndex() == Long.MAX_VALUE;
    }

    void checkWritable(long appendLength) {
        if (closed) {
            throw new JournalException("journal shard " + name + " is closed");
        }
        diskSpace.check(name, appendLength);
    }

    /** Makes entries up to {@code endOffset} visible to readers and wakes those waiting. */
    void publish(long endOffset, long upstreamOffset) {
        lastUpstreamOffset = upstreamOffset;
        committedOffset = endOffset;
        synchronized (commitSignal) {
            commitSignal.notifyAll();
        }
    }

    /** What readers may read up to: committed entries, or everything present when read-only. */
    long readableEnd() {
        return context.readOnly() ? Long.MAX_VALUE : committedOffset;
    }

    /** Blocks until the committed end passes {@code position}, or the timeout. Read-only journals poll. */
    boolean awaitBeyond(long position, long timeout, TimeUnit unit) throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        if (context.readOnly()) {
            // another process writes: there is no in-process signal, so poll at a gentle pace
            while (System.nanoTime() < deadline) {
                if (lastEntryEnd() > position) {
                    return true;
                }
                Thread.sleep(10);
            }
            return lastEntryEnd() > position;
        }
        synchronized (commitSignal) {
            while (committedOffset <= position && !closed) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(commitSignal, left);
            }
            return committedOffset > position;
        }
    }

    private long lastEntryEnd() {
        final long[] last = lastEntry();
        return last == null ? 0 : last[0];
    }

    /**
     * {end offset, upstream offset, length, flags} of the last whole entry, or null. When the
     * journal ends with pieces of an unfinished entry (its writer died between them), the
     * journal ends where that entry starts: {start, upstream offset before it, 0, 0}.
     */
    private long[] lastEntry() {
        synchronized (probe) {
            probe.direction(TailerDirection.BACKWARD).toEnd();
            try {
                long[] last;
                try (DocumentContext dc = probe.readingDocument()) {
                    last = header(dc);
                }
                if (last == null || (last[3] & JournalEntryDescriptor.FLAG_CONTINUED) == 0) {
                    return last;
                }
                long[] first = last;
                while ((first[3] & JournalEntryDescriptor.FLAG_CONTINUATION) != 0) {
                    final long[] before;
                    try (DocumentContext dc = probe.readingDocument()) {
                        before = header(dc);
                    }
                    if (before == null) {
                        break; // its head was deleted too
                    }
                    first = before;
                }
                LOG.warn("journal shard {}: ends with pieces of an entry that was never finished (offsets {}..{}): "
                    + "they are skipped, the journal continues at {}", name, first[0] - first[2], last[0], first[0] - first[2]);
                return new long[] {first[0] - first[2], first[1], 0, 0};
            } finally {
                probe.direction(TailerDirection.FORWARD);
            }
        }
    }

    /** What {@link #pieceRun} found after the first piece of an entry. */
    record PieceRun(Kind kind, long length, long resumeIndex, int pieces) {
        enum Kind {
            /** Every piece is there (and committed): {@code length} is the entry's. */
            COMPLETE,
            /** The last piece is not there yet (or not committed): wait. */
            INCOMPLETE,
            /** A document that does not continue the entry follows: skip to {@code resumeIndex}. */
            ABANDONED
        }
    }

    /**
     * Follows the pieces of the entry whose first piece is at queue {@code index}, reading only
     * their headers, up to its last piece: is it whole and readable up to {@code readable}?
     */
    PieceRun pieceRun(long index, long readable) {
        synchronized (probe) {
            probe.direction(TailerDirection.FORWARD);
            if (!probe.moveToIndex(index)) {
                return new PieceRun(PieceRun.Kind.INCOMPLETE, 0, -1, 0);
            }
            long[] current;
            try (DocumentContext dc = probe.readingDocument()) {
                current = header(dc);
            }
            if (current == null) {
                return new PieceRun(PieceRun.Kind.INCOMPLETE, 0, -1, 0);
            }
            final long start = current[0] - current[2];
            int pieces = 1;
            while ((current[3] & JournalEntryDescriptor.FLAG_CONTINUED) != 0) {
                final long[] next;
                final long nextIndex;
                try (DocumentContext dc = probe.readingDocument()) {
                    next = header(dc);
                    nextIndex = dc.isPresent() ? dc.index() : -1;
                }
                if (next == null || next[0] > readable) {
                    return new PieceRun(PieceRun.Kind.INCOMPLETE, 0, -1, 0);
                }
                if ((next[3] & JournalEntryDescriptor.FLAG_CONTINUATION) == 0) {
                    return new PieceRun(PieceRun.Kind.ABANDONED, 0, nextIndex, pieces);
                }
                current = next;
                pieces++;
            }
            return new PieceRun(PieceRun.Kind.COMPLETE, current[0] - start, -1, pieces);
        }
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
     */
    SeekResult locate(long offset, ExcerptTailer tailer) {
        final long end = readableEnd() == Long.MAX_VALUE ? lastEntryEnd() : committedOffset;
        if (offset > end) {
            return SeekResult.BEYOND_END;
        }
        if (isEmpty()) {
            if (offset == end) {
                tailer.toEnd();
                return SeekResult.BOUNDARY;
            }
            return SeekResult.BEFORE_START;
        }
        synchronized (probe) {
            final long[] cycles = cycles();
            // last file whose first entry starts at or before offset
            int lo = 0;
            int hi = cycles.length - 1;
            int found = -1;
            while (lo <= hi) {
                final int mid = (lo + hi) >>> 1;
                final long start = firstStartInOrAfter(cycles, mid);
                if (start == Long.MAX_VALUE || start > offset) {
                    hi = mid - 1;
                } else {
                    found = mid;
                    lo = mid + 1;
                }
            }
            if (found < 0) {
                return SeekResult.BEFORE_START;
            }
            final int cycle = (int) cycles[found];
            long seqLo = 0;
            long seqHi = probe.excerptsInCycle(cycle) - 1;
            long bestIndex = -1;
            long bestStart = -1;
            long bestEnd = -1;
            long bestFlags = 0;
            while (seqLo <= seqHi) {
                final long mid = (seqLo + seqHi) >>> 1;
                final long index = queue.rollCycle().toIndex(cycle, mid);
                final long[] entry = readAt(index);
                if (entry == null) {
                    seqHi = mid - 1; // an incomplete trailing document: not an entry
                    continue;
                }
                final long start = entry[0] - entry[2];
                if (start <= offset) {
                    bestIndex = index;
                    bestStart = start;
                    bestEnd = entry[0];
                    bestFlags = entry[3];
                    seqLo = mid + 1;
                } else {
                    seqHi = mid - 1;
                }
            }
            if (bestIndex < 0) {
                return SeekResult.BEFORE_START;
            }
            if (bestStart == offset) {
                if ((bestFlags & JournalEntryDescriptor.FLAG_CONTINUATION) != 0) {
                    return SeekResult.NOT_BOUNDARY; // a piece starts here, its entry earlier
                }
                if ((bestFlags & JournalEntryDescriptor.FLAG_CONTINUED) != 0) {
                    final PieceRun run = pieceRun(bestIndex, readableEnd());
                    if (run.kind() == PieceRun.Kind.ABANDONED) {
                        // pieces of an entry never finished; the writer started again at the same offset
                        final long[] next = readAt(run.resumeIndex());
                        if (next == null || next[0] - next[2] != offset || (next[3] & JournalEntryDescriptor.FLAG_CONTINUATION) != 0) {
                            return SeekResult.NOT_BOUNDARY;
                        }
                        tailer.moveToIndex(run.resumeIndex());
                        return SeekResult.BOUNDARY;
                    }
                }
                tailer.moveToIndex(bestIndex);
                return SeekResult.BOUNDARY;
            }
            if (offset < bestEnd || (bestFlags & JournalEntryDescriptor.FLAG_CONTINUED) != 0) {
                return SeekResult.NOT_BOUNDARY; // inside an entry, or at the end of a piece that is not its last
            }
            // offset == end of the last entry
            tailer.moveToIndex(bestIndex);
            try (DocumentContext dc = tailer.readingDocument()) {
                return dc.isPresent() ? SeekResult.BOUNDARY : SeekResult.NOT_BOUNDARY;
            }
        }
    }

    /**
     * Where to start reading for entries written at or after {@code epochMillis}: the first entry of
     * the roll cycle (journal file) that holds that time, or of the next file. Entries carry no
     * time of their own, so the answer is as fine as the roll cycle ({@code journal-roll}): it
     * may start up to one cycle early, never late.
     *
     * @return a start offset (an entry boundary), or {@link #endOffset()} when nothing was written since
     */
    public long offsetAtOrAfter(long epochMillis) {
        synchronized (probe) {
            final long[] cycles = cycles();
            final long cycle = Math.floorDiv(epochMillis - queue.epoch(), queue.rollCycle().lengthInMillis());
            int i = 0;
            while (i < cycles.length && cycles[i] < cycle) {
                i++;
            }
            final long start = firstStartInOrAfter(cycles, i);
            return start == Long.MAX_VALUE ? endOffset() : Math.max(start, firstOffset());
        }
    }

    /**
     * Start offset of the first entry of cycles[i] (tail pieces of an entry begun in an earlier
     * file are not one), or of the next file that has one; MAX_VALUE if none.
     */
    private long firstStartInOrAfter(long[] cycles, int i) {
        for (int c = i; c < cycles.length; c++) {
            final long n = probe.excerptsInCycle((int) cycles[c]);
            for (long seq = 0; seq < n; seq++) {
                final long[] entry = readAt(queue.rollCycle().toIndex((int) cycles[c], seq));
                if (entry == null) {
                    break;
                }
                if ((entry[3] & JournalEntryDescriptor.FLAG_CONTINUATION) == 0) {
                    return entry[0] - entry[2];
                }
            }
        }
        return Long.MAX_VALUE;
    }

    /** {end offset, upstream offset, length, flags} of the document at a queue index, or null. Caller holds probe. */
    private long[] readAt(long index) {
        if (!probe.moveToIndex(index)) {
            return null;
        }
        try (DocumentContext dc = probe.readingDocument()) {
            return header(dc);
        }
    }

    /** {end offset, upstream offset, length, flags} of the entry (or piece) a document holds, without moving its read position; null when absent. */
    private static long[] header(DocumentContext dc) {
        if (!dc.isPresent()) {
            return null;
        }
        final Bytes<?> b = dc.wire().bytes();
        final long p = b.readPosition();
        return new long[] {b.readLong(p + JournalEntryDescriptor.END_OFFSET_OFFSET),
            b.readLong(p + JournalEntryDescriptor.UPSTREAM_OFFSET_OFFSET),
            b.readInt(p + JournalEntryDescriptor.LENGTH_OFFSET), b.readInt(p + JournalEntryDescriptor.FLAGS_OFFSET)};
    }

    private long[] cycles() {
        queue.refreshDirectoryListing();
        final NavigableSet<Long> set = queue.listCyclesBetween(queue.firstCycle(), queue.lastCycle());
        return set.stream().mapToLong(Long::longValue).toArray();
    }

    /** The shard's data files, oldest first (their names sort by time). */
    private File[] cycleFiles() {
        final File[] files = dir.toFile().listFiles((d, n) -> n.endsWith(".cq4"));
        if (files == null) {
            return new File[0];
        }
        Arrays.sort(files);
        return files;
    }

    /**
     * Deletes whole files no holder needs, then the oldest beyond the size and age limits even if
     * a holder needs them. The file being written is never deleted.
     *
     * @param holders each receiver (or snapshot pin) and the offset it still needs from
     * @param nowMillis wall-clock time, for the age limit
     */
    public synchronized RetentionReport applyRetention(Map<String, Long> holders, long nowMillis) {
        final File[] files = cycleFiles();
        final long minHeld = holders.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        long total = 0;
        for (File f : files) {
            total += f.length();
        }
        int deleted = 0;
        long bytesDeleted = 0;
        boolean forced = false;
        final long[] cycles;
        synchronized (probe) {
            cycles = cycles();
        }
        if (cycles.length != files.length) {
            LOG.warn("journal shard {}: {} files but {} cycles; retention skipped this round", name, files.length, cycles.length);
            return new RetentionReport(0, 0, firstOffset(), List.of());
        }
        for (int i = 0; i < files.length - 1; i++) {
            final long lastEnd;
            synchronized (probe) {
                final long n = probe.excerptsInCycle((int) cycles[i]);
                final long[] last = n == 0 ? null : readAt(queue.rollCycle().toIndex((int) cycles[i], n - 1));
                lastEnd = last == null ? Long.MIN_VALUE : last[0];
            }
            final boolean unneeded = lastEnd <= minHeld;
            final boolean overSize = total > context.maxBytesPerShard();
            final boolean overAge = nowMillis - files[i].lastModified() > context.maxAge().toMillis();
            if (!unneeded && !overSize && !overAge) {
                break;
            }
            forced |= !unneeded;
            final long size = files[i].length();
            if (!files[i].delete()) {
                LOG.warn("journal shard {}: cannot delete {}", name, files[i]);
                break;
            }
            LOG.info("journal shard {}: deleted {} ({} bytes, entries up to offset {}){}", name, files[i].getName(), size,
                lastEnd, unneeded ? "" : overSize ? ": over the size limit" : ": over the age limit");
            total -= size;
            bytesDeleted += size;
            deleted++;
        }
        queue.refreshDirectoryListing();
        final long first = firstOffset();
        final List<String> behind = new ArrayList<>();
        if (forced) {
            holders.forEach((holder, offset) -> {
                if (offset < first) {
                    behind.add(holder);
                    LOG.warn("journal shard {}: {} needs offset {} but the journal now starts at {}: it needs a full resync",
                        name, holder, offset, first);
                }
            });
        }
        return new RetentionReport(deleted, bytesDeleted, first, behind);
    }

    /** What {@link #applyRetention} did. {@code fellBehind}: holders that now need a full resync. */
    public record RetentionReport(int filesDeleted, long bytesDeleted, long firstOffset, List<String> fellBehind) {
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (commitSignal) {
            commitSignal.notifyAll();
        }
        if (writer != null) {
            writer.closeAppender();
        }
        queue.close();
    }

    @Override
    public String toString() {
        return "shard " + name + " [" + firstOffset() + ".." + committedOffset + "]";
    }
}
