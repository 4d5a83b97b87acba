package io.redisreplica.journal;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a shard's oldest files: whole files no holder needs, then the oldest beyond the size
 * and age limits ({@link JournalContext#maxBytesPerShard()}, {@link JournalContext#maxAge()}) even
 * if a holder needs them. The file being written is never deleted.
 */
final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private Retention() {
    }

    /** The shard's data files, oldest first (their names sort by time). */
    static File[] cycleFiles(Path dir) {
        final File[] files = dir.toFile().listFiles((d, n) -> n.endsWith(".cq4"));
        if (files == null) {
            return new File[0];
        }
        Arrays.sort(files);
        return files;
    }

    /** See {@link ShardJournal#applyRetention}. */
    static ShardJournal.RetentionReport apply(ShardJournal shard, EntryLocator locator, Map<String, Long> holders, long nowMillis) {
        final String name = shard.name();
        final JournalContext context = shard.context();
        final File[] files = cycleFiles(shard.dir());
        final long minHeld = holders.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        long total = 0;
        for (File f : files) {
            total += f.length();
        }
        int deleted = 0;
        long bytesDeleted = 0;
        boolean forced = false;
        final long[] cycles = locator.cycles();
        if (cycles.length != files.length) {
            LOG.warn("journal shard {}: {} files but {} cycles; retention skipped this round", name, files.length, cycles.length);
            return new ShardJournal.RetentionReport(0, 0, shard.firstOffset(), List.of());
        }
        for (int i = 0; i < files.length - 1; i++) {
            final long lastEnd = locator.lastEndInCycle(cycles[i]);
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
        locator.refresh();
        final long first = shard.firstOffset();
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
        return new ShardJournal.RetentionReport(deleted, bytesDeleted, first, behind);
    }
}
