package io.redisreplica.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How a {@link Journal} is opened. Fluent setters; {@link #conclude()} validates.
 *
 * <pre>{@code
 * Journal journal = Journal.open(new JournalContext().dir(Path.of("/var/lib/redis-replica/journal"))
 *     .rollCycle(JournalContext.Roll.HOURLY).sync(JournalContext.Sync.COMMIT));
 * }</pre>
 */
public final class JournalContext {
    /** How often a shard starts a new file; retention deletes whole files. */
    public enum Roll {
        /** For tests: a file per second. */
        SECONDLY,
        FIVE_MINUTELY,
        TEN_MINUTELY,
        HALF_HOURLY,
        HOURLY,
        DAILY
    }

    /** What {@link JournalWriter#commit()} promises. */
    public enum Sync {
        /**
         * Entries are in the page cache when commit returns: they survive a crash of the router
         * (kill -9), not of the machine. The fastest; the default.
         */
        NONE,
        /** Commit msyncs what was appended: entries survive power loss. */
        COMMIT
    }

    public static final long DEFAULT_MIN_FREE_BYTES = 256L * 1024 * 1024;
    public static final long DEFAULT_MAX_BYTES_PER_SHARD = 64L * 1024 * 1024 * 1024;
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);
    /** Longest piece of an entry: well under Chronicle's 16 MiB document, and what a reader holds at most. */
    public static final int DEFAULT_MAX_PIECE_LENGTH = 4 * 1024 * 1024;
    /** Chronicle's largest document is 16 MiB including its header. */
    static final int MAX_MAX_PIECE_LENGTH = 8 * 1024 * 1024;

    private Path dir;
    private Roll rollCycle = Roll.HOURLY;
    private Sync sync = Sync.NONE;
    private long minFreeBytes = DEFAULT_MIN_FREE_BYTES;
    private long maxBytesPerShard = DEFAULT_MAX_BYTES_PER_SHARD;
    private Duration maxAge = DEFAULT_MAX_AGE;
    private boolean readOnly;
    private int maxPieceLength = DEFAULT_MAX_PIECE_LENGTH;
    private LongSupplier clockMillis = System::currentTimeMillis;

    public Path dir() {
        return dir;
    }

    /** The journal's directory: one sub-directory per shard and a {@code checkpoint} file. */
    public JournalContext dir(Path value) {
        this.dir = value;
        return this;
    }

    public Roll rollCycle() {
        return rollCycle;
    }

    public JournalContext rollCycle(Roll value) {
        this.rollCycle = value;
        return this;
    }

    public Sync sync() {
        return sync;
    }

    public JournalContext sync(Sync value) {
        this.sync = value;
        return this;
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    /**
     * Appends fail with a clear error while the journal's file system has less than this free:
     * Chronicle writes through memory maps, where a full disk would otherwise crash the JVM.
     */
    public JournalContext minFreeBytes(long value) {
        this.minFreeBytes = value;
        return this;
    }

    public long maxBytesPerShard() {
        return maxBytesPerShard;
    }

    /** Retention hard limit on a shard's files; beyond it the oldest go even if a receiver still needs them. */
    public JournalContext maxBytesPerShard(long value) {
        this.maxBytesPerShard = value;
        return this;
    }

    public Duration maxAge() {
        return maxAge;
    }

    /** Retention hard limit on the age of a shard's oldest file. */
    public JournalContext maxAge(Duration value) {
        this.maxAge = value;
        return this;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** For tools: no lock, no writers, every entry present is readable. */
    public JournalContext readOnly(boolean value) {
        this.readOnly = value;
        return this;
    }

    public int maxPieceLength() {
        return maxPieceLength;
    }

    /**
     * Longest run of an entry's bytes in one document; a longer entry is written as several
     * pieces (see {@link JournalEntryDescriptor}). Tests make it small to get many pieces.
     */
    public JournalContext maxPieceLength(int value) {
        this.maxPieceLength = value;
        return this;
    }

    public LongSupplier clockMillis() {
        return clockMillis;
    }

    /** The wall clock that decides when a file rolls (tests move it instead of sleeping). */
    public JournalContext clockMillis(LongSupplier value) {
        this.clockMillis = value;
        return this;
    }

    /**
     * @return this
     * @throws IllegalArgumentException naming the setting that is missing or out of range
     */
    public JournalContext conclude() {
        if (dir == null) {
            throw new IllegalArgumentException("journal dir is not set");
        }
        if (minFreeBytes < 0 || maxBytesPerShard <= 0) {
            throw new IllegalArgumentException("minFreeBytes must be >= 0 and maxBytesPerShard > 0, were "
                + minFreeBytes + " and " + maxBytesPerShard);
        }
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
        }
        if (maxPieceLength < 1 || maxPieceLength > MAX_MAX_PIECE_LENGTH) {
            throw new IllegalArgumentException("maxPieceLength must be 1.." + MAX_MAX_PIECE_LENGTH + ", was " + maxPieceLength);
        }
        return this;
    }
}
