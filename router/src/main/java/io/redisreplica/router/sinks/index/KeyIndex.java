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
import org.slf4j.LoggerFactory;

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
    private final UndoLog undo = new UndoLog();
    /** The last stamp, to go back to with {@link #rollBack()}. */
    private long stampedOffset = -1;
    private long stampedEpoch = -1;

    private KeyIndex(Path dir, MappedByteBuffer stampMap) {
        this.dir = dir;
        this.stampMap = stampMap;
        this.stamp = new UnsafeBuffer(stampMap);
        this.seed = stamp.getLong(8);
        this.stampedOffset = stamp.getLong(16);
        this.stampedEpoch = stamp.getLong(24);
        undo.lose(); // what the tables hold past a stamp of an earlier process is unknown
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
                        return index;
                    } catch (RuntimeException | IOException damaged) {
                        // a cache: a table cut short (an OS crash, a disk that filled while it grew) is made
                        // again from the snapshot and the journal, not a reason for the router not to start
                        LoggerFactory.getLogger(KeyIndex.class).warn("key index {}: {}; it is made anew", dir, damaged.toString());
                        index.close();
                    }
                } else {
                    IoUtil.unmap(m);
                }
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
        stampedOffset = offset;
        stampedEpoch = epoch;
        undo.clear();
    }

    /**
     * Undoes the changes since the last stamp of this process (a delivery failed and the sink goes
     * back to what it recorded) and stamps it again.
     *
     * @return false when they cannot be undone (a flush, a swap, a snapshot load, too many): rebuild
     */
    public boolean rollBack() {
        if (undo.lost() || stampedOffset < 0) {
            return false;
        }
        for (int i = undo.size() - 1; i >= 0; i--) {
            final KeyTable t = table(undo.db(i));
            if (undo.before(i) < 0) {
                t.remove(undo.hash(i));
            } else {
                t.put(undo.hash(i), undo.before(i));
            }
        }
        stamp(stampedOffset, stampedEpoch);
        return true;
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
        final KeyTable t = table(db);
        if (!undo.lost()) {
            undo.record(db, hash, t.get(hash));
        }
        t.put(hash, meta);
    }

    /** Removes the key; returns its meta, or -1 when the index did not hold it. */
    public long remove(int db, long hash) {
        final KeyTable t = tables.get(db);
        final long before = t == null ? -1 : t.remove(hash);
        if (before >= 0) {
            undo.record(db, hash, before);
        }
        return before;
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
        undo.lose();
        final KeyTable t = tables.get(db);
        if (t != null) {
            t.clear();
        }
    }

    /** FLUSHALL, or a new snapshot to load: every key is gone. */
    public void flushAll() {
        undo.lose();
        for (KeyTable t : tables.values()) {
            t.clear();
        }
    }

    /** SWAPDB: the two databases trade keys (their files trade names). */
    public void swap(int a, int b) {
        if (a == b) {
            return;
        }
        undo.lose();
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
