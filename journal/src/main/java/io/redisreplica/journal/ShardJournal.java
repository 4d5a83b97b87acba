package io.redisreplica.journal;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * One shard's journal: a Chronicle queue in its own directory, its offsets, and the signal that
 * wakes readers when a writer commits.
 *
 * <p>Offsets are contiguous: every entry starts where the previous one ended. Readers see only
 * committed entries (in a read-only journal, every complete entry present).
 *
 * <p>The work is done by package-private pieces: {@link EntryLocator} (entries by offset, by time
 * and at the ends), {@link Retention} (deleting old files), {@link HalfMadeFiles} (what a writer
 * that died while creating a file left), {@link UnusedPrecreatedFiles} (the precreated files no
 * roll will take); {@link Journal#check} checks and repairs it at start.
 *
 * <p>Over 300 lines: one shard's queue with its writer, readers, commit signal, retention and
 * pretouch hook; the entry search is EntryLocator's, the repair ShardRepair's and the pretouching
 * ShardPretouch's.
 */
public final class ShardJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardJournal.class);

    /** How long Chronicle waits on a dead writer's lock or half-written header at open. */
    static final long LOCK_RECOVERY_MS = 1_000;

    private final String name;
    private final Path dir;
    private final JournalContext context;
    private final SingleChronicleQueue queue;
    private final DiskSpaceGuard diskSpace;
    private final EntryLocator locator;
    private final JournalHistory history;
    private final Object commitSignal = new Object();

    /** Opened by {@link #forRepair}: its end is not known, every document present is readable, it takes no writer. */
    private final boolean salvage;
    private volatile long committedOffset;
    private volatile long lastUpstreamOffset;
    private volatile boolean closed;
    private JournalWriter writer;
    /** Held by a pretouch round, and by close() before the queue closes under it. */
    private final Object pretouching = new Object();
    /** Made by the first round; guarded by {@link #pretouching}. */
    private ShardPretouch pretouch;

    ShardJournal(String name, Path dir, JournalContext context) {
        this(name, dir, context, false);
    }

    /**
     * Opens a journal that cannot be opened the usual way (its last entry cannot be found), to
     * read what it holds before the damage: for {@link ShardRepair} only.
     */
    static ShardJournal forRepair(String name, Path dir, JournalContext context) {
        return new ShardJournal(name, dir, context, true);
    }

    private ShardJournal(String name, Path dir, JournalContext context, boolean salvage) {
        this.name = name;
        this.salvage = salvage;
        this.dir = dir;
        this.context = context;
        if (!context.readOnly()) {
            HalfMadeFiles.setAside(name, dir);
        }
        this.queue = openQueue(name, dir, context);
        if (!context.readOnly() && !salvage) {
            deleteUnusedPrecreatedFiles();
        }
        this.diskSpace = new DiskSpaceGuard(dir, context.minFreeBytes());
        this.locator = new EntryLocator(name, queue);
        if (salvage) {
            this.committedOffset = 0;
            this.lastUpstreamOffset = -1;
            this.history = JournalHistory.readQuietly(dir);
            LOG.info("journal shard {}: opened {} to read what it holds before its damage", name, dir);
            return;
        }
        final EntryHeader last;
        try {
            last = locator.lastEntry();
        } catch (RuntimeException | AssertionError e) { // Chronicle asserts on a file cut short under its index
            queue.close();
            throw new JournalException("journal shard " + name + ": cannot find its last entry in " + dir + ": " + e, e);
        }
        this.committedOffset = last == null ? 0 : last.endOffset();
        this.lastUpstreamOffset = last == null ? -1 : last.upstreamOffset();
        if (context.readOnly()) { // only looked at: no line of its own, the router's opening makes one
            this.history = JournalHistory.readQuietly(dir);
        } else {
            try {
                this.history = JournalHistory.opened(dir, committedOffset, last == null);
            } catch (RuntimeException e) {
                queue.close();
                throw e;
            }
        }
        if (context.readOnly()) { // a tool's look is not news: only the router's own opening is logged
            LOG.debug("journal shard {}: opened {} read-only (first offset {}, end offset {})", name, dir, firstOffset(), committedOffset);
        } else {
            LOG.info("journal shard {}: opened {} (first offset {}, end offset {}, last upstream offset {})",
                name, dir, firstOffset(), committedOffset, lastUpstreamOffset);
        }
    }

    /**
     * A router stopped before a roll leaves the next cycle's precreated file behind; once that
     * cycle has passed no roll takes it. The pretouch thread deletes such files too, once a cycle,
     * but only while it runs: this does it at the writer's open, before any round.
     */
    private void deleteUnusedPrecreatedFiles() {
        try {
            final int deleted = UnusedPrecreatedFiles.delete(name, dir, UnusedPrecreatedFiles.cycleFiles(queue, dir), queue.cycle());
            if (deleted > 0) {
                LOG.info("journal shard {}: deleted {} precreated file(s) no roll will take (left by a stop before the roll)",
                    name, deleted);
            }
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
    }

    static SingleChronicleQueue openQueue(String name, Path dir, JournalContext context) {
        try {
            // a reader takes the roll cycle the queue was written with: another one, Chronicle warns that it overrides it
            return SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(context.readOnly() ? ChronicleSupport.rollCycleOf(dir, context.rollCycle())
                    : ChronicleSupport.rollCycle(context.rollCycle()))
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
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    /** Which line of entries this journal holds (see {@link JournalHistory}). */
    public JournalHistory history() {
        return history;
    }

    JournalContext context() {
        return context;
    }

    /** The shard offset after the last committed entry: where the next entry starts. */
    public long endOffset() {
        return committedOffset;
    }

    /**
     * The end of the last whole entry as the files hold it now. {@link #endOffset()} is what this
     * instance committed (or found when it opened): a reader in another process than the router
     * ({@code replay --follow}) asks here to see the entries the router appended since.
     */
    public long readEndOffset() {
        return Math.max(committedOffset, locator.lastEntryEnd());
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
        return locator.firstOffset(committedOffset);
    }

    /** Documents retained (entries, an entry in pieces counting once per piece), by Chronicle's count per file. */
    public long entryCount() {
        return locator.documentCount();
    }

    /**
     * The shard's files (its cycles'), the bytes they take on disk (their data, as {@code du}
     * counts it) and their length (Chronicle makes each file sparse at its full size: the length
     * says little). Bytes and length include the next cycle's precreated file (8 MB, 1 MB for
     * cycles under a minute, written before the roll by the pretouch thread), which {@code files}
     * does not count.
     */
    public record FileStats(int files, long bytes, long apparentBytes) {
    }

    /** Files retained, the bytes they and the precreated next one hold on disk, and their total length. */
    public FileStats fileStats() {
        final File[] files = Retention.cycleFiles(dir);
        long bytes = 0;
        long apparent = 0;
        for (File f : files) {
            apparent += f.length();
            bytes += DataExtents.of(f);
        }
        for (File f : UnusedPrecreatedFiles.list(dir)) {
            apparent += f.length(); // 0 when the roll renamed it meanwhile: it is then counted nowhere this time
            bytes += DataExtents.of(f);
        }
        return new FileStats(files.length, bytes, apparent);
    }

    /**
     * Opens the shard's only writer. {@code initialOffset} applies only to an empty journal: it is
     * where the first entry starts (a new shard starts at 0; after an epoch change, where the
     * previous epoch ended).
     */
    public synchronized JournalWriter writer(long initialOffset) {
        if (context.readOnly() || salvage) {
            throw new JournalException("journal shard " + name + " is open " + (salvage ? "for repair" : "read-only"));
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
        return context.readOnly() || salvage ? Long.MAX_VALUE : committedOffset;
    }

    /** Blocks until the committed end passes {@code position}, or the timeout. Read-only journals poll. */
    boolean awaitBeyond(long position, long timeout, TimeUnit unit) throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        if (context.readOnly()) {
            // another process writes: there is no in-process signal, so poll at a gentle pace
            while (System.nanoTime() < deadline) {
                if (locator.lastEntryEnd() > position) {
                    return true;
                }
                Thread.sleep(10);
            }
            return locator.lastEntryEnd() > position;
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

    /**
     * One round of the {@link Pretoucher} for this shard (see {@link ShardPretouch}). Never takes
     * the journal's monitor: a round that waits on the disk delays only {@link #close()}.
     *
     * @return pages touched; 0 when closed, read-only or opened for repair
     * @throws JournalException when the round failed: the next one starts over from the store
     */
    long pretouch() {
        synchronized (pretouching) {
            if (closed || context.readOnly() || salvage) {
                return 0;
            }
            if (pretouch == null) {
                pretouch = new ShardPretouch(name, dir, queue, context.minFreeBytes(), () -> closed);
            }
            try {
                return pretouch.round();
            } catch (RuntimeException e) {
                pretouch.release();
                throw e instanceof JournalException j ? j
                    : new JournalException("journal shard " + name + ": pretouch failed: " + e, e);
            }
        }
    }

    /** The Chronicle queue, for {@link PrefixCopy}. */
    SingleChronicleQueue queue() {
        return queue;
    }

    /** See {@link EntryLocator#pieceRun}. */
    PieceRun pieceRun(long index, long readable) {
        return locator.pieceRun(index, readable);
    }

    /** Moves {@code tailer} to the entry that starts at {@code offset}; see {@link EntryLocator#locate}. */
    SeekResult locate(long offset, ExcerptTailer tailer) {
        final long readable = readableEnd();
        final long end = readable == Long.MAX_VALUE ? locator.lastEntryEnd() : committedOffset;
        return locator.locate(offset, tailer, end, readable);
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
        return locator.offsetAtOrAfter(epochMillis, endOffset());
    }

    /**
     * Deletes whole files no holder needs, then the oldest beyond the size and age limits even if
     * a holder needs them. The file being written is never deleted.
     *
     * @param holders each receiver (or snapshot pin) and the offset it still needs from
     * @param nowMillis wall-clock time, for the age limit
     */
    public synchronized RetentionReport applyRetention(Map<String, Long> holders, long nowMillis) {
        return Retention.apply(this, locator, holders, nowMillis);
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
        synchronized (pretouching) { // a round in progress ends before the queue's mapping goes
            if (pretouch != null) {
                pretouch.release();
            }
        }
        queue.close();
    }

    @Override
    public String toString() {
        return "shard " + name + " [" + firstOffset() + ".." + committedOffset + "]";
    }
}
