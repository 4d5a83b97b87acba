package io.redisreplica.router.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where {@link SpillBuffer}s put what does not fit their heap part: a directory of unlinked
 * files, each mapped into memory. A file is deleted as soon as it is opened, so the kernel frees
 * its blocks when the mapping and the channel go (a crash leaves no file behind), and its pages
 * are page cache, not heap: the kernel writes them to disk under memory pressure.
 *
 * <p>The router's default is the journal directory's {@code spill/} (the journal's own disk, whose
 * free space the operator already watches); tools and tests use {@code java.io.tmpdir}.
 */
public final class SpillFiles {
    /** What a buffer may hold on the heap before it moves to a file: bounds the heap per buffer. */
    public static final int DEFAULT_HEAP_LIMIT = 4 << 20;

    /** What a spill file leaves free on its disk: the journal beside it needs room too. */
    static final long MIN_FREE = 64L << 20;

    private final Path dir;
    private final int heapLimit;

    public SpillFiles(Path dir, int heapLimit) {
        if (heapLimit < 64) {
            throw new IllegalArgumentException("heap limit of a spill buffer must be >= 64 bytes, was " + heapLimit);
        }
        this.dir = dir;
        this.heapLimit = heapLimit;
    }

    /** Spill files in {@code java.io.tmpdir}, {@link #DEFAULT_HEAP_LIMIT} on the heap. */
    public static SpillFiles temporary() {
        return new SpillFiles(Path.of(System.getProperty("java.io.tmpdir")), DEFAULT_HEAP_LIMIT);
    }

    /** A buffer of {@code initialCapacity} bytes on the heap, spilling here past the heap limit. */
    public SpillBuffer buffer(int initialCapacity) {
        return new SpillBuffer(this, initialCapacity);
    }

    public Path dir() {
        return dir;
    }

    /** What a buffer holds on the heap before it moves to a file. */
    public int heapLimit() {
        return heapLimit;
    }

    /**
     * Checks the disk has room for {@code bytes} more of a spill file: a mapped page written on a
     * full disk is a SIGBUS (an {@code InternalError} in Java), so a buffer asks before it grows,
     * and a full disk is an error that says where, which the upstream link retries.
     */
    void reserve(long bytes) {
        try {
            Files.createDirectories(dir);
            final long usable = Files.getFileStore(dir).getUsableSpace();
            if (usable < bytes + MIN_FREE) {
                throw new UncheckedIOException(new IOException("no room for " + bytes + " bytes of a spill file in " + dir
                    + " (usable " + usable + " bytes, " + MIN_FREE + " kept free): a command or transaction longer than "
                    + heapLimit + " bytes is held there until it is journaled"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a spill file in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A new unlinked file open for reading and writing; called after {@link #reserve}. */
    FileChannel open() {
        try {
            final Path file = Files.createTempFile(dir, "spill-", ".tmp"); // reserve() made the directory
            final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Files.delete(file);
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a spill file in " + dir + " for a command over "
                + heapLimit + " bytes: " + e.getMessage(), e);
        }
    }
}
