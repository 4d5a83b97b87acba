package io.redisreplica.journal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses appends while the journal's file system is nearly full. Chronicle writes through
 * memory maps, and a write to a mapped page the disk cannot back kills the JVM with SIGBUS: we
 * stop before that with an error the router can report and act on.
 *
 * <p>Free space is read at most every {@value #CHECK_INTERVAL_NANOS} ns, plus on every append
 * larger than the margin left, so the check costs nothing per entry.
 */
final class DiskSpaceGuard {
    private static final long CHECK_INTERVAL_NANOS = 100_000_000L;

    private final Path dir;
    private final long minFreeBytes;
    private final FileStore store;
    private long nextCheckNanos;
    private long lastUsable = Long.MAX_VALUE;

    DiskSpaceGuard(Path dir, long minFreeBytes) {
        this.dir = dir;
        this.minFreeBytes = minFreeBytes;
        try {
            this.store = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new JournalException("journal " + dir + ": cannot read its file system: " + e.getMessage(), e);
        }
    }

    void check(String shard, long appendLength) {
        final long now = System.nanoTime();
        if (now < nextCheckNanos && lastUsable - appendLength > minFreeBytes) {
            lastUsable -= appendLength; // between two reads, count what we wrote: the estimate only errs low
            return;
        }
        try {
            lastUsable = store.getUsableSpace();
        } catch (IOException e) {
            throw new JournalException("journal shard " + shard + ": cannot read free space of " + dir + ": " + e.getMessage(), e);
        }
        nextCheckNanos = now + CHECK_INTERVAL_NANOS;
        if (lastUsable - appendLength < minFreeBytes) {
            throw new JournalException("journal shard " + shard + ": disk nearly full at " + dir + ": " + lastUsable
                + " bytes free, appends need " + minFreeBytes + " (journal.min-free-bytes); nothing was appended");
        }
    }
}
