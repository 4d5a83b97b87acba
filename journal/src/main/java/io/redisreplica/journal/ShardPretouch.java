package io.redisreplica.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;

import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;
import net.openhft.chronicle.queue.impl.single.PrecreatedFiles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;

/**
 * Keeps one shard's next pages written before its appender gets there, so the appender's thread
 * (the router's upstream link) does not meet the file system there (issue 18). On ext4 the first
 * write to a page of a memory-mapped file faults into the kernel, which reserves a block for it
 * ({@code ext4_da_get_block_prep}) and may wait behind other writers' journal commits: 239 and 335
 * ms in the lag bench, the stream stopped for every shard meanwhile. Reading the page would not do
 * (a read maps it without reserving a block); writing zeros with {@code write()} could overwrite
 * an entry the appender has just put there through the mapping.
 *
 * <p>What Chronicle's open-source {@code PretoucherState} did (before it moved to Chronicle's
 * commercial release, leaving {@code pretouch()} a no-op): a compare-and-swap of 0 with 0 on the
 * first word of each page ahead of the store's write position, through the queue's own mapping of
 * the file (the same memory the appender writes). It is a write, so the kernel does its block
 * reservation on this thread; it changes nothing, because it writes only where it reads 0 and
 * writes 0, atomically, so an entry the appender writes there at the same time wins either way.
 *
 * <p>The roll makes a new file on the appender's thread; Chronicle first renames a
 * {@code NAME.precreated} file to it when there is one ({@link PrecreatedFiles}). So shortly before
 * the next cycle starts (or while the current cycle has no file yet) this makes that file: its first
 * {@link #PRECREATED_BYTES} written with zeros (blocks reserved here; Chronicle expects zeros
 * in a new file) under a temporary name, then renamed into place whole, so Chronicle never takes
 * a file this thread still writes. One that was never used (a cycle without writes) is deleted.
 *
 * <p>Pages are touched, and a file precreated, only while the file system keeps the journal's
 * {@code min-free-bytes} free beyond them: a write to a mapped page the disk cannot back is a
 * SIGBUS (see {@link DiskSpaceGuard}), and here no append would have been refused first.
 *
 * <p>Used by one thread at a time (the shard's pretouch lock); {@link #release()} before the
 * queue closes.
 */
final class ShardPretouch {
    /** The first word of each page of this size is touched. */
    static final int PAGE = 4096;
    /** At least this much is kept touched ahead of the write position: ~1 s of the 30 000 writes/s bench. */
    static final long MIN_HEADROOM = 4L << 20;
    /** At most this much ahead, however fast the shard is written. */
    static final long MAX_HEADROOM = 64L << 20;
    /** How far ahead of the next cycle its file is made: a minute, or half the cycle when shorter. */
    static final long MAX_PREROLL_MILLIS = 60_000;
    /**
     * Written with zeros in a precreated file: the header and index pages the roll writes, and the
     * {@link #MIN_HEADROOM} touched after it, whose pages are then in the page cache with their
     * blocks reserved (a minute before the roll, on this thread): the cycle's first rounds map them
     * instead of allocating them. With 1 MB, the four shards' rolls of a 30 000 writes/s load took
     * 20-30 ms on the writer's thread and the first round after them 64-98 ms; with 8 MB, 10-15 ms
     * and 35-43 ms (the round now spread over several, see {@link #PAGES_PER_ROUND}). Cycles under
     * a minute (secondly: tests) get {@link #SHORT_CYCLE_PRECREATED_BYTES}: 8 MB a shard a second
     * would be most of their writing.
     */
    static final int PRECREATED_BYTES = 8 << 20;
    static final int SHORT_CYCLE_PRECREATED_BYTES = 1 << 20;
    /**
     * Pages a round touches at most, per shard: this many, or twice the pages the writer moved
     * since the last round when that is more (so a fast writer is never outrun). Without a cap the
     * first round of a new cycle touched its whole {@link #MIN_HEADROOM} at once, ~4 100 page faults
     * over 4 shards that kept one of two cores busy 40-100 ms while the roll's writer needed it.
     */
    static final long PAGES_PER_ROUND = 256;
    /** Pages touched between two looks at whether the journal is closing (a stalled disk: up to 335 ms a page). */
    private static final int PAGES_BETWEEN_STOP_CHECKS = 64;

    private final String name;
    private final Path dir;
    private final SingleChronicleQueue queue;
    private final RollingResourcesCache files;
    private final long prerollMillis;
    private final long cycleMillis;
    private final int precreatedBytes;
    private final FileStore fileStore;
    private final long minFreeBytes;
    private final BooleanSupplier closing;

    private int cycle = Integer.MIN_VALUE;
    private SingleChronicleQueueStore store;
    private MappedBytes bytes;
    /** The first page not touched yet in {@link #cycle}'s file. */
    private long touchedEnd;
    private long lastPosition;
    /** The last cycle whose file this made or found made; and whether the directory was looked over. */
    private int precreatedCycle = Integer.MIN_VALUE;
    private int tidiedCycle = Integer.MIN_VALUE;

    /**
     * @param minFreeBytes the journal's {@code min-free-bytes}: kept free beyond what this touches
     * @param closing whether the journal is closing: a round then stops between pages
     */
    ShardPretouch(String name, Path dir, SingleChronicleQueue queue, long minFreeBytes, BooleanSupplier closing) {
        this.name = name;
        this.minFreeBytes = minFreeBytes;
        this.closing = closing;
        try {
            this.fileStore = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new JournalException("journal shard " + name + ": cannot read the file system of " + dir + ": " + e, e);
        }
        this.dir = dir;
        this.queue = queue;
        this.files = UnusedPrecreatedFiles.cycleFiles(queue, dir);
        this.cycleMillis = queue.rollCycle().lengthInMillis();
        this.prerollMillis = Math.min(MAX_PREROLL_MILLIS, cycleMillis / 2);
        this.precreatedBytes = precreatedBytes(cycleMillis);
    }

    /** The zeros written in a precreated file for cycles of {@code cycleMillis}. */
    static int precreatedBytes(long cycleMillis) {
        return cycleMillis < 60_000 ? SHORT_CYCLE_PRECREATED_BYTES : PRECREATED_BYTES;
    }

    /**
     * One round: touches the pages ahead of the current cycle's write position, then makes the file
     * of the cycle about to start (or of the current one, while it has none).
     *
     * @return pages touched (precreated files not counted)
     */
    long round() {
        final long now = queue.time().currentTimeMillis();
        final int current = queue.cycle();
        final long touched = touchAhead(current);
        final int upcoming = (int) Math.floorDiv(now + prerollMillis - queue.epoch(), cycleMillis);
        if (tidiedCycle != current) { // one that passed without a write, or whose file the appender made meanwhile
            UnusedPrecreatedFiles.delete(name, dir, files, current);
            tidiedCycle = current;
        }
        if (upcoming != precreatedCycle) {
            precreate(upcoming);
            precreatedCycle = upcoming;
        }
        return touched;
    }

    private long touchAhead(int current) {
        if (current != cycle) {
            release();
            // never created here: the appender makes the cycle's file (from the precreated one) at its first write
            store = queue.storeForCycle(current, queue.epoch(), false, null);
            if (store == null) {
                return 0;
            }
            bytes = store.bytes();
            cycle = current;
            touchedEnd = 0;
            lastPosition = store.writePosition();
        }
        final long position = store.writePosition();
        final long moved = position - lastPosition;
        // after Chronicle's PretoucherState: room for a few rounds at the pace of the last one
        final long headroom = Math.min(MAX_HEADROOM, Math.max(MIN_HEADROOM, 4 * moved));
        lastPosition = position;
        long page = Math.max(touchedEnd, position - position % PAGE);
        final long budget = Math.max(PAGES_PER_ROUND, 2 * (moved / PAGE)) * PAGE;
        final long end = Math.min(Math.min(position + headroom, page + budget), bytes.capacity() - Long.BYTES);
        if (page >= end || !roomFor(end - page)) {
            return 0;
        }
        long touched = 0;
        for (; page < end; page += PAGE) {
            if (touched % PAGES_BETWEEN_STOP_CHECKS == 0 && touched > 0 && closing.getAsBoolean()) {
                break;
            }
            bytes.compareAndSwapLong(page, 0L, 0L);
            touched++;
        }
        touchedEnd = Math.max(touchedEnd, page);
        return touched;
    }

    /** Makes {@code target}'s precreated file unless its file (or that) is there already. */
    private void precreate(int target) {
        final File file = files.resourceFor(target).path;
        final File precreated = PrecreatedFiles.preCreatedFile(file);
        if (file.exists() || precreated.exists() || !roomFor(precreatedBytes)) {
            return; // without room now, the appender makes the file at the roll, as it would without us
        }
        final Path temporary = UnusedPrecreatedFiles.temporaryOf(precreated);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
                final ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
                for (long at = 0; at < precreatedBytes; at += zeros.capacity()) {
                    zeros.clear();
                    while (zeros.hasRemaining()) {
                        channel.write(zeros, at + zeros.position());
                    }
                }
            }
            // whole or not at all: Chronicle renames it at the roll, and must not take one still being written
            Files.move(temporary, precreated.toPath(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new JournalException("journal shard " + name + ": cannot precreate " + precreated + ": " + e, e);
        }
    }

    /** Whether {@code bytes} more can be written and still leave {@code min-free-bytes} free. */
    private boolean roomFor(long bytes) {
        try {
            return fileStore.getUsableSpace() - bytes >= minFreeBytes;
        } catch (IOException e) {
            throw new JournalException("journal shard " + name + ": cannot read free space: " + e, e);
        }
    }

    /** Lets go of the cycle's file (its mapping stays the queue's). */
    void release() {
        final MappedBytes b = bytes;
        final SingleChronicleQueueStore s = store;
        bytes = null;
        store = null;
        cycle = Integer.MIN_VALUE;
        if (b != null) {
            b.close();
        }
        if (s != null) {
            queue.closeStore(s);
        }
    }
}
