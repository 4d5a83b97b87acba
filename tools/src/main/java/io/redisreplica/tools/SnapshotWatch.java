package io.redisreplica.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * Tells a following replay when to read the journal's checkpoint again because the shard's
 * snapshot file was replaced (the router renames a new one over it at each full sync, then records
 * the new epoch in the checkpoint): a stat of two files per poll instead of opening the journal.
 * A replaced file counts once the checkpoint file is at least as new; it stays pending until a
 * read shows the epoch moved, or {@value #MAX_LOOKS} reads a second apart did not (a checkpoint
 * written in the instant between the rename and the new epoch holds the old one). The first poll
 * looks too, since the journal may have been opened before the file was last replaced, unless the
 * file was replaced longer ago than those looks would take ({@value #MAX_LOOKS} s): the journal,
 * opened just before the watch is made, read the epoch that came with it. Each look opens the
 * journal again, which stalls a follower for as long, so one that is not needed is not made.
 */
final class SnapshotWatch {
    static final long RECHECK_MS = 1_000;
    static final int MAX_LOOKS = 5;

    private final Path rdb;
    private final Path checkpoint;
    private Object settledStamp;
    private Object pendingStamp;
    private long lastLook;
    private int looks;

    /** @param rdb {@code JOURNAL/snapshots/SHARD.rdb}; the checkpoint is {@code JOURNAL/checkpoint} */
    SnapshotWatch(Path rdb) {
        this.rdb = rdb;
        this.checkpoint = rdb.toAbsolutePath().getParent().getParent().resolve("checkpoint");
        final List<Object> stamp = stamp(rdb);
        if (stamp != null && (long) stamp.get(1) < System.currentTimeMillis() - MAX_LOOKS * RECHECK_MS) {
            settledStamp = stamp;
        }
    }

    /** Whether the checkpoint is worth reading again now. */
    boolean changed() {
        final long now = System.currentTimeMillis();
        if (now - lastLook < RECHECK_MS) {
            return false;
        }
        final List<Object> stamp = stamp(rdb);
        if (Objects.equals(stamp, settledStamp) || (stamp != null && (long) stamp.get(1) > modified(checkpoint))) {
            return false;
        }
        if (!Objects.equals(stamp, pendingStamp)) {
            pendingStamp = stamp;
            looks = 0;
        }
        lastLook = now;
        return true;
    }

    /** What the read after {@link #changed()} found: the epoch moved, or not (yet). */
    void looked(boolean epochMoved) {
        if (epochMoved || ++looks >= MAX_LOOKS) {
            settledStamp = pendingStamp;
        }
    }

    /** The file's identity, time and size; null while it does not exist. */
    private static List<Object> stamp(Path file) {
        try {
            final BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime().toMillis(), a.size());
        } catch (IOException e) {
            return null;
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }
}
