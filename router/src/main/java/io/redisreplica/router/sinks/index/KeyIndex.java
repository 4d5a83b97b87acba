package io.redisreplica.router.sinks.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;

import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A shard's keys as a sink that asks for kinds has seen them: one {@link KeyTable} per database
 * ({@code db-N.keys}, made when a key first lands there) and a small mapped {@code stamp} file that
 * says which shard offset and snapshot epoch the tables reflect. The stamp is the sink's checkpoint
 * for the index: {@link #dirty()} before the first change past it, {@link #stamp} once the sink
 * recorded the batch; a restart whose sink checkpoint equals the stamp goes on with the tables as
 * they are, any other rebuilds them.
 *
 * <pre>
 *   stamp:  0 magic | 8 seed (the key hash's) | 16 offset (-1: changed since) | 24 epoch | 32..63 zero
 * </pre>
 *
 * One writer: the sink's thread.
 */
public final class KeyIndex implements AutoCloseable {
    private static final long MAGIC = 0x52525354414D5031L; // "RRSTAMP1"
    private static final int STAMP_BYTES = 64;

    private final Path dir;
    private final MappedByteBuffer stampMap;
    private final UnsafeBuffer stamp;
    private final long seed;
    private final Map<Integer, KeyTable> tables = new TreeMap<>();

    private KeyIndex(Path dir, MappedByteBuffer stampMap) {
        this.dir = dir;
        this.stampMap = stampMap;
        this.stamp = new UnsafeBuffer(stampMap);
        this.seed = stamp.getLong(8);
    }

    /** Opens the index in {@code dir}, or makes an empty one (offset -1) with a new random seed. */
    public static KeyIndex open(Path dir) {
        try {
            Files.createDirectories(dir);
            final Path file = dir.resolve("stamp");
            if (Files.exists(file) && Files.size(file) == STAMP_BYTES) {
                final MappedByteBuffer m = IoUtil.mapExistingFile(file.toFile(), "key index stamp");
                if (new UnsafeBuffer(m).getLong(0) == MAGIC) {
                    final KeyIndex index = new KeyIndex(dir, m);
                    try (var files = Files.list(dir)) {
                        for (Path p : (Iterable<Path>) files::iterator) {
                            final String name = p.getFileName().toString();
                            if (name.startsWith("db-") && name.endsWith(".keys")) {
                                index.tables.put(Integer.parseInt(name.substring(3, name.length() - 5)), KeyTable.open(p));
                            }
                        }
                    }
                    return index;
                }
                IoUtil.unmap(m);
            }
            clearDir(dir);
            final MappedByteBuffer m = IoUtil.mapNewFile(file.toFile(), STAMP_BYTES, true);
            final UnsafeBuffer b = new UnsafeBuffer(m);
            b.putLong(8, new SecureRandom().nextLong());
            b.putLong(16, -1);
            b.putLong(24, -1);
            b.putLong(0, MAGIC);
            return new KeyIndex(dir, m);
        } catch (IOException e) {
            throw new UncheckedIOException("key index " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void clearDir(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
    }

    /** The shard offset the tables reflect, or -1 when they changed since the last {@link #stamp}. */
    public long offset() {
        return stamp.getLong(16);
    }

    /** The snapshot epoch the tables follow, or -1 when none was loaded. */
    public long epoch() {
        return stamp.getLong(24);
    }

    /** Marks the tables as changed past the stamp: called before the first change of a batch. */
    public void dirty() {
        if (stamp.getLong(16) != -1) {
            stamp.putLongVolatile(16, -1);
        }
    }

    /** The tables reflect the shard at {@code offset}, in snapshot epoch {@code epoch}. */
    public void stamp(long offset, long epoch) {
        stamp.putLong(24, epoch);
        stamp.putLongVolatile(16, offset);
    }

    /** The hash the index keeps for the key in {@code b}. */
    public long hash(DirectBuffer b, int offset, int length) {
        return KeyHash.of(seed, b, offset, length);
    }

    /** The key's {@link KeyMeta}, or -1 when the index does not hold it. */
    public long get(int db, long hash) {
        final KeyTable t = tables.get(db);
        return t == null ? -1 : t.get(hash);
    }

    public void put(int db, long hash, long meta) {
        table(db).put(hash, meta);
    }

    /** Removes the key; returns its meta, or -1 when the index did not hold it. */
    public long remove(int db, long hash) {
        final KeyTable t = tables.get(db);
        return t == null ? -1 : t.remove(hash);
    }

    private KeyTable table(int db) {
        KeyTable t = tables.get(db);
        if (t == null) {
            t = KeyTable.open(file(db));
            tables.put(db, t);
        }
        return t;
    }

    private Path file(int db) {
        return dir.resolve("db-" + db + ".keys");
    }

    /** FLUSHDB: the database's keys are gone. */
    public void flush(int db) {
        final KeyTable t = tables.get(db);
        if (t != null) {
            t.clear();
        }
    }

    /** FLUSHALL, or a new snapshot to load: every key is gone. */
    public void flushAll() {
        for (KeyTable t : tables.values()) {
            t.clear();
        }
    }

    /** SWAPDB: the two databases trade keys (their files trade names). */
    public void swap(int a, int b) {
        if (a == b) {
            return;
        }
        final KeyTable ta = table(a);
        final KeyTable tb = table(b);
        ta.close();
        tb.close();
        try {
            final Path temp = dir.resolve("db-swap.tmp");
            Files.move(file(a), temp, StandardCopyOption.ATOMIC_MOVE);
            Files.move(file(b), file(a), StandardCopyOption.ATOMIC_MOVE);
            Files.move(temp, file(b), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("key index " + dir + ": SWAPDB " + a + " " + b + ": " + e.getMessage(), e);
        }
        tables.put(a, KeyTable.open(file(a)));
        tables.put(b, KeyTable.open(file(b)));
    }

    /** Keys held, over every database. */
    public long keys() {
        long n = 0;
        for (KeyTable t : tables.values()) {
            n += t.size();
        }
        return n;
    }

    /** Bytes the tables map, over every database. */
    public long bytes() {
        long n = STAMP_BYTES;
        for (KeyTable t : tables.values()) {
            n += t.bytes();
        }
        return n;
    }

    @Override
    public void close() {
        for (KeyTable t : tables.values()) {
            t.close();
        }
        tables.clear();
        IoUtil.unmap(stampMap);
    }
}
