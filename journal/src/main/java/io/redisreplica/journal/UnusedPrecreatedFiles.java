package io.redisreplica.journal;

import java.io.File;
import java.nio.file.Path;

import net.openhft.chronicle.queue.impl.RollingResourcesCache;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * The {@code NAME.precreated} files {@link ShardPretouch} makes for the roll, on disk beside the
 * shard's cycle files: counted in the shard's bytes on disk ({@link ShardJournal#fileStats()}), and
 * deleted once no roll can take them. Chronicle renames one into place when its cycle starts; one
 * whose cycle has passed (the router stopped before the roll, or the cycle went by without a
 * write) or whose cycle's file exists already (made meanwhile) is left over, 1-8 MB each, and
 * nothing else would delete it. The one for the current or an upcoming cycle is kept.
 */
final class UnusedPrecreatedFiles {
    static final String SUFFIX = ".precreated";
    private static final String CYCLE_SUFFIX = ".cq4";
    private static final String TMP = ".tmp";
    /** One being written: renamed to {@link #SUFFIX} only once whole. */
    static final String TEMPORARY = SUFFIX + TMP;

    private UnusedPrecreatedFiles() {
    }

    /** The queue's names for its cycles' files in {@code dir} ({@code NAME.cq4}), both ways. */
    static RollingResourcesCache cycleFiles(SingleChronicleQueue queue, Path dir) {
        return new RollingResourcesCache(queue.rollCycle(), queue.epoch(), n -> new File(dir.toFile(), n + CYCLE_SUFFIX),
            f -> f.getName().substring(0, f.getName().length() - CYCLE_SUFFIX.length()));
    }

    /** Where {@code precreated} is written before it is renamed to its name whole ({@link #TEMPORARY}). */
    static Path temporaryOf(File precreated) {
        return precreated.toPath().resolveSibling(precreated.getName() + TMP);
    }

    /** The shard's precreated files, whole or being written. */
    static File[] list(Path dir) {
        final File[] files = dir.toFile().listFiles((d, n) -> n.endsWith(SUFFIX) || n.endsWith(TEMPORARY));
        return files == null ? new File[0] : files;
    }

    /**
     * Deletes the precreated files no roll will take, and temporary ones: call only where no
     * pretouch round of the shard can be writing one (its own thread, or the journal's open).
     *
     * @param files the queue's names for its cycles' files ({@code NAME.cq4})
     * @param current the queue's cycle now
     * @return the files deleted
     */
    static int delete(String shard, Path dir, RollingResourcesCache files, int current) {
        int deleted = 0;
        for (File f : list(dir)) {
            final String n = f.getName();
            final boolean unused;
            if (n.endsWith(TEMPORARY)) {
                unused = true; // left half written by a stop: only a pretouch round writes one, and none runs now
            } else {
                final String cycleName = n.substring(0, n.length() - SUFFIX.length());
                unused = new File(dir.toFile(), cycleName + CYCLE_SUFFIX).exists() || cycleOf(files, cycleName) < current;
            }
            if (!unused || !f.isFile()) {
                continue;
            }
            if (f.delete()) {
                deleted++;
            } else if (f.exists()) { // gone meanwhile: the roll renamed it into place
                throw new JournalException("journal shard " + shard + ": cannot delete the unused " + f);
            }
        }
        return deleted;
    }

    /** The cycle a file name stands for; MAX_VALUE (never unused) for a name not of this roll cycle: not ours to delete. */
    private static int cycleOf(RollingResourcesCache files, String cycleName) {
        try {
            return files.parseCount(cycleName);
        } catch (RuntimeException notACycleName) {
            return Integer.MAX_VALUE;
        }
    }
}
