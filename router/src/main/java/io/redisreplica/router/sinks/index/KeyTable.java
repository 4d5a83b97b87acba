package io.redisreplica.router.sinks.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The keys of one database of one shard, as a hash table off the heap: open addressing with linear
 * probing over a memory-mapped file, deletions by backward shift (no tombstones), doubled when
 * three quarters full. A SIGKILL leaves the file as the process last wrote it (the page cache
 * keeps it); an OS crash may not, which {@link KeyIndex}'s stamp cannot tell: after one, delete
 * the index directory and it is rebuilt.
 *
 * <pre>
 *   0        8          16     24       64                      64 + 16 * capacity
 *   | magic  | capacity | size | (zero) | slot 0 | slot 1 | ... |
 *   slot:  | key hash (8 bytes, 0 = empty) | meta (8 bytes: see KeyMeta) |
 * </pre>
 *
 * Bytes per key: 16 / load, between 21.3 (three quarters full) and 42.7 (just doubled). At most
 * 2^26 slots (1 GB, one mapping): 50 million keys per database and shard.
 */
final class KeyTable implements AutoCloseable {
    private static final long MAGIC = 0x52524B4559494458L; // "RRKEYIDX"
    private static final int HEADER = 64;
    private static final int SLOT = 16;
    static final int MIN_CAPACITY = 1 << 10;
    static final int MAX_CAPACITY = 1 << 26;

    private final Path file;
    private MappedByteBuffer mapped;
    private UnsafeBuffer buffer;
    private int capacity;
    private int mask;
    private int size;

    private KeyTable(Path file) {
        this.file = file;
    }

    /** Opens the table in {@code file}, or makes an empty one. */
    static KeyTable open(Path file) {
        final KeyTable t = new KeyTable(file);
        if (Files.exists(file)) {
            t.map(file);
            if (t.buffer.getLong(0) != MAGIC || Integer.bitCount(t.buffer.getInt(8)) != 1
                || t.buffer.capacity() != HEADER + (long) SLOT * t.buffer.getInt(8)) {
                t.close();
                throw new IllegalStateException("not a key index table (or cut short): " + file);
            }
            t.capacity = t.buffer.getInt(8);
            t.mask = t.capacity - 1;
            t.size = t.buffer.getInt(16);
        } else {
            t.create(file, MIN_CAPACITY);
            t.remap(file, MIN_CAPACITY);
        }
        return t;
    }

    private void map(Path f) {
        mapped = IoUtil.mapExistingFile(f.toFile(), "key index " + f.getFileName());
        buffer = new UnsafeBuffer(mapped);
    }

    private static void create(Path f, int capacity) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final MappedByteBuffer m = IoUtil.mapNewFile(f.toFile(), HEADER + (long) SLOT * capacity, true);
        final UnsafeBuffer b = new UnsafeBuffer(m);
        b.putLong(0, MAGIC);
        b.putInt(8, capacity);
        IoUtil.unmap(m);
    }

    private void remap(Path f, int newCapacity) {
        if (mapped != null) {
            IoUtil.unmap(mapped);
        }
        map(f);
        capacity = newCapacity;
        mask = capacity - 1;
        size = buffer.getInt(16);
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /** Bytes the table maps (its file's size). */
    long bytes() {
        return HEADER + (long) SLOT * capacity;
    }

    /** The key's meta, or -1 when the table does not hold it. */
    long get(long hash) {
        for (int i = (int) hash & mask;; i = (i + 1) & mask) {
            final long h = buffer.getLong(HEADER + SLOT * i);
            if (h == hash) {
                return buffer.getLong(HEADER + SLOT * i + 8);
            }
            if (h == 0) {
                return -1;
            }
        }
    }

    /** Adds the key or replaces its meta. */
    void put(long hash, long meta) {
        for (int i = (int) hash & mask;; i = (i + 1) & mask) {
            final int at = HEADER + SLOT * i;
            final long h = buffer.getLong(at);
            if (h == hash) {
                buffer.putLong(at + 8, meta);
                return;
            }
            if (h == 0) {
                buffer.putLong(at + 8, meta);
                buffer.putLong(at, hash);
                buffer.putInt(16, ++size);
                if (size > capacity - (capacity >> 2)) {
                    grow();
                }
                return;
            }
        }
    }

    /** Removes the key; returns its meta, or -1 when the table did not hold it. */
    long remove(long hash) {
        int i = (int) hash & mask;
        for (;; i = (i + 1) & mask) {
            final long h = buffer.getLong(HEADER + SLOT * i);
            if (h == 0) {
                return -1;
            }
            if (h == hash) {
                break;
            }
        }
        final long meta = buffer.getLong(HEADER + SLOT * i + 8);
        // backward shift: move later keys of the probe run into the hole where their home allows
        int hole = i;
        for (int j = (i + 1) & mask;; j = (j + 1) & mask) {
            final long h = buffer.getLong(HEADER + SLOT * j);
            if (h == 0) {
                break;
            }
            final int home = (int) h & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                buffer.putLong(HEADER + SLOT * hole, h);
                buffer.putLong(HEADER + SLOT * hole + 8, buffer.getLong(HEADER + SLOT * j + 8));
                hole = j;
            }
        }
        buffer.putLong(HEADER + SLOT * hole, 0);
        buffer.putLong(HEADER + SLOT * hole + 8, 0);
        buffer.putInt(16, --size);
        return meta;
    }

    /** Empties the table (FLUSHDB), keeping its size. */
    void clear() {
        buffer.setMemory(HEADER, SLOT * capacity, (byte) 0);
        size = 0;
        buffer.putInt(16, 0);
    }

    /** Calls {@code each} with every key's hash and meta. */
    void forEach(java.util.function.LongBinaryOperator each) {
        for (int i = 0; i < capacity; i++) {
            final long h = buffer.getLong(HEADER + SLOT * i);
            if (h != 0) {
                each.applyAsLong(h, buffer.getLong(HEADER + SLOT * i + 8));
            }
        }
    }

    /** Doubles the table into a new file that replaces the old one atomically. */
    private void grow() {
        if (capacity >= MAX_CAPACITY) {
            throw new IllegalStateException("key index " + file + ": more than " + (MAX_CAPACITY - (MAX_CAPACITY >> 2))
                + " keys in one database of one shard, the most it holds");
        }
        final int next = capacity << 1;
        final Path temp = file.resolveSibling(file.getFileName() + ".grow");
        create(temp, next);
        final MappedByteBuffer m = IoUtil.mapExistingFile(temp.toFile(), "key index growing");
        final UnsafeBuffer b = new UnsafeBuffer(m);
        final int nextMask = next - 1;
        for (int i = 0; i < capacity; i++) {
            final long h = buffer.getLong(HEADER + SLOT * i);
            if (h == 0) {
                continue;
            }
            int j = (int) h & nextMask;
            while (b.getLong(HEADER + SLOT * j) != 0) {
                j = (j + 1) & nextMask;
            }
            b.putLong(HEADER + SLOT * j, h);
            b.putLong(HEADER + SLOT * j + 8, buffer.getLong(HEADER + SLOT * i + 8));
        }
        b.putInt(16, size);
        IoUtil.unmap(m);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("key index " + file + ": cannot replace it with its doubled table", e);
        }
        remap(file, next);
    }

    @Override
    public void close() {
        if (mapped != null) {
            IoUtil.unmap(mapped);
            mapped = null;
            buffer = null;
        }
    }
}
