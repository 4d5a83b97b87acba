package io.redisreplica.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a shard's journal at start and repairs what is damaged ({@link Journal#check}).
 *
 * <p><b>What is kept.</b> The entries up to the first damaged one are good. The checkpoint
 * records how far the journal reached when it was written ({@link Checkpoint.ShardState#journalEnd()});
 * the upstream link resumes from that checkpoint's upstream offset and journals again whatever
 * the shard lacks after its last entry. So when the good entries reach that end, cutting the
 * rest off loses nothing: the journal is as if the router had stopped there, and replicas whose
 * offset is within it continue. Otherwise (damage before that end, or the end unknown) the
 * shard's journal is set aside whole and the shard needs a new snapshot.
 *
 * <p><b>How it is cut.</b> Chronicle cannot truncate a queue in place, so the good entries are
 * copied ({@link PrefixCopy}: bytes, queue indexes and files as they were) into a fresh queue
 * beside the shard's, {@code NAME~cutting}, synced, and renamed {@code NAME~cut} once complete.
 * Then the damaged original goes to {@code damaged/NAME-MILLIS} (kept for the operator) and the
 * copy takes its name. A crash at any step leaves the original in place (any copy beside it is
 * deleted at the next open, and the check runs again) or a complete copy without the original
 * (renamed into place at the next open): {@link #finishInterrupted}.
 */
final class ShardRepair {
    private static final Logger LOG = LoggerFactory.getLogger(ShardRepair.class);
    /** Suffixes of the copy while it is made and once it is complete; '~' is no shard name's. */
    static final String CUTTING = "~cutting";
    static final String CUT = "~cut";

    private final Path dir;

    ShardRepair(Path dir) {
        this.dir = dir;
    }

    /**
     * Checks {@code source} and, when it is damaged, cuts it back or sets it aside. {@code source}
     * is closed unless the journal is whole.
     *
     * @param openProblem why the journal could not be opened the usual way ({@code source} is then
     *     open {@link ShardJournal#forRepair for repair}), or null
     */
    ShardCheck check(ShardJournal source, String openProblem, long recordedEnd, Predicate<JournalEntry> payloadCheck) {
        final JournalScan.Result scan = JournalScan.run(source, payloadCheck);
        String damage = scan.damage();
        if (damage == null && openProblem != null) {
            damage = "it cannot be opened (" + openProblem + "); its entries read whole up to offset " + scan.goodEnd();
        }
        if (damage == null && scan.goodEnd() != source.endOffset()) {
            damage = "its entries end at offset " + scan.goodEnd() + " but it opened with an end of " + source.endOffset();
        }
        if (damage == null) {
            if (recordedEnd <= scan.goodEnd()) {
                return ShardCheck.whole(scan.goodEnd());
            }
            return setAside(source, "it ends at offset " + scan.goodEnd() + " but the checkpoint saw it reach " + recordedEnd
                + " (truncated)", scan);
        }
        if (scan.goodLastIndex() < 0) {
            return setAside(source, damage + "; no entry before it is good", scan);
        }
        if (recordedEnd < 0) {
            return setAside(source, damage + "; the checkpoint does not record how far the journal reached, so a cut back "
                + "cannot be shown to lose nothing", scan);
        }
        if (scan.goodEnd() < recordedEnd) {
            return setAside(source, damage + "; its good entries end at offset " + scan.goodEnd() + ", before the end the "
                + "checkpoint saw (" + recordedEnd + ")", scan);
        }
        return cutBack(source, openProblem == null ? source.endOffset() : 0, damage, recordedEnd, scan);
    }

    private ShardCheck cutBack(ShardJournal source, long openedEnd, String damage, long recordedEnd, JournalScan.Result scan) {
        final String name = source.name();
        final Path cutting = dir.resolve(name + CUTTING);
        final Path cut = dir.resolve(name + CUT);
        final JournalScan.Tail tail = JournalScan.tailAfter(source, scan.goodLastIndex(), scan.goodEnd());
        final long bytesCut = Math.max(0, Math.max(tail.chainedEnd(), openedEnd) - scan.goodEnd());
        try {
            deleteTree(cutting);
            deleteTree(cut);
            // Chronicle writes through memory maps: a disk that fills up under them kills the JVM
            final long estimate = scan.goodEnd() - scan.start() + scan.goodEntries() * 64 + Retention.cycleFiles(source.dir()).length
                * (1L << 20);
            new DiskSpaceGuard(dir, source.context().minFreeBytes()).check(name, estimate);
            PrefixCopy.copy(source.queue(), source.dir(), scan.goodLastIndex(), cutting);
            // the entries after the cut come again from the master, maybe at other offsets: a new
            // line of the history, so a sink that delivered past the cut goes on by upstream offset
            final JournalHistory before = JournalHistory.readQuietly(source.dir());
            (before.currentId() == null ? before.append(0) : before).append(scan.goodEnd()).write(cutting);
            try (ShardJournal copy = new ShardJournal(name, cutting, source.context())) {
                if (copy.endOffset() != scan.goodEnd() || copy.lastUpstreamOffset() != scan.goodUpstream()) {
                    throw new JournalException("the copy ends at offset " + copy.endOffset() + " (upstream " + copy.lastUpstreamOffset()
                        + "), not " + scan.goodEnd() + " (upstream " + scan.goodUpstream() + ")");
                }
            }
            Files.move(cutting, cut, StandardCopyOption.ATOMIC_MOVE);
            syncDir(dir);
        } catch (IOException | RuntimeException e) {
            LOG.warn("journal shard {}: cutting its journal back to offset {} failed; it is set aside instead", name, scan.goodEnd(), e);
            deleteTreeQuietly(cutting);
            deleteTreeQuietly(cut);
            return setAside(source, damage + " (cutting it back to offset " + scan.goodEnd() + " failed: " + e.getMessage() + ")", scan);
        }
        source.close();
        final Path damaged = moveAside(name, damage);
        try {
            Files.move(cut, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            syncDir(dir);
        } catch (IOException e) {
            throw new JournalException("journal shard " + name + ": its cut back journal " + cut + " cannot take its place (" + e
                + "); the next start puts it there", e);
        }
        LOG.warn("journal shard {}: {}, after the end the checkpoint saw ({}): cut back to its last good entry, which ends at "
            + "offset {} (upstream offset {}); entries cut after it: {} ({} bytes of offsets, as far as they could be read), they "
            + "come again from the master. The damaged original is in {}", name, damage, recordedEnd, scan.goodEnd(),
            scan.goodUpstream(), tail.entries(), bytesCut, damaged);
        return new ShardCheck(ShardCheck.Outcome.TAIL_CUT, damage, scan.goodEnd(), tail.entries(), bytesCut, damaged);
    }

    private ShardCheck setAside(ShardJournal source, String why, JournalScan.Result scan) {
        source.close();
        return setAside(source.name(), why, scan.goodEnd());
    }

    /** Moves a closed shard journal aside, whole, and logs it: the shard starts empty and needs a new snapshot. */
    ShardCheck setAside(String name, String why, long goodEnd) {
        final Path damaged = moveAside(name, why);
        LOG.error("journal shard {} is damaged: {}. Moved aside to {}; the shard starts empty and takes a new snapshot", name, why,
            damaged);
        return new ShardCheck(ShardCheck.Outcome.SET_ASIDE, why, goodEnd, 0, 0, damaged);
    }

    /** Moves the shard's journal directory under {@code damaged/}, kept for inspection (it may be deleted). */
    private Path moveAside(String name, String why) {
        final Path damaged = dir.resolve("damaged").resolve(name + "-" + System.currentTimeMillis());
        try {
            Files.createDirectories(damaged.getParent());
            Files.move(dir.resolve(name), damaged);
            syncDir(dir);
        } catch (IOException e) {
            throw new JournalException("journal shard " + name + " is damaged (" + why + ") and cannot be moved aside to "
                + damaged + ": " + e, e);
        }
        return damaged;
    }

    /**
     * Finishes or undoes a cut back a crash interrupted: a complete copy whose original is gone
     * takes the original's place; any other copy is deleted (its original is still there and is
     * checked again).
     */
    static void finishInterrupted(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                final String file = p.getFileName().toString();
                if (file.endsWith(CUT) && !Files.exists(dir.resolve(file.substring(0, file.length() - CUT.length())))) {
                    final Path shard = dir.resolve(file.substring(0, file.length() - CUT.length()));
                    Files.move(p, shard, StandardCopyOption.ATOMIC_MOVE);
                    syncDir(dir);
                    LOG.warn("journal {}: a cut back of shard {} was interrupted after its damaged original was moved aside: "
                        + "the cut back journal takes its place", dir, shard.getFileName());
                } else if (file.endsWith(CUT) || file.endsWith(CUTTING)) {
                    deleteTree(p);
                    LOG.warn("journal {}: deleted {}, the copy of an interrupted cut back (its original is checked again)", dir, file);
                }
            }
        } catch (IOException e) {
            throw new JournalException("journal " + dir + ": cannot finish an interrupted cut back: " + e, e);
        }
    }

    private static void syncDir(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void deleteTreeQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", root, e.toString());
        }
    }
}
