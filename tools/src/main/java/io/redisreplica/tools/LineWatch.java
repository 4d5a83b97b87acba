package io.redisreplica.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

import io.redisreplica.journal.JournalHistory;
import io.redisreplica.journal.ShardJournal;

/**
 * Tells a following replay that the router opened the shard's journal again (a restart): each
 * writable open adds a line to the journal's history ({@link JournalHistory}, the file {@code
 * history} in the shard's directory, replaced by a rename), and the entries it appends from then
 * on are on that line only. A checkpoint that named the old line for them would, read back later,
 * resolve as a journal that parted there and re-apply what was read from the master since. A
 * stat per batch. Made just after the journal was opened: a file replaced in the last
 * {@value #SETTLED_MS} ms may be newer than what the open read, so the first look says changed
 * (and the journal is opened again once); an older one is what the open read.
 */
final class LineWatch {
    static final long SETTLED_MS = 5_000;

    private final Path file;
    private List<Object> stamp;

    LineWatch(ShardJournal shard) {
        this.file = shard.dir().resolve("history");
        final List<Object> now = stamp(file);
        if (!now.isEmpty() && (long) now.get(1) < System.currentTimeMillis() - SETTLED_MS) {
            stamp = now;
        }
    }

    /** Whether the history file was replaced since the last look. */
    boolean changed() {
        final List<Object> now = stamp(file);
        if (stamp != null && Objects.equals(now, stamp)) {
            return false;
        }
        stamp = now;
        return true;
    }

    /** The file's identity, time and size; an empty stamp while it does not exist. */
    private static List<Object> stamp(Path file) {
        try {
            final BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime().toMillis(), a.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
