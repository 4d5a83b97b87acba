package io.redisreplica.router.shard;

/**
 * When recent shard offsets were committed: a ring of (end offset, time, entries) samples the
 * upstream link records at most every {@value #MIN_INTERVAL_NANOS} ns, so a replica's lag can be
 * told in milliseconds ("the oldest data it has not acknowledged was committed this long ago")
 * and entries, not only in bytes. The ring covers at least the last ~30 s; for a replica further
 * behind, the figures are lower bounds. Replicas ACK once a second, so ACK-based lag has that
 * granularity.
 */
public final class CommitClock {
    private static final int SIZE = 16384;
    private static final long MIN_INTERVAL_NANOS = 2_000_000;
    private final long[] offsets = new long[SIZE];
    private final long[] nanos = new long[SIZE];
    private final long[] entries = new long[SIZE];
    private long count;

    synchronized void committed(long endOffset, long nanoTime, long entryCount) {
        if (count > 0) {
            final int last = (int) ((count - 1) % SIZE);
            if (offsets[last] == endOffset || nanoTime - nanos[last] < MIN_INTERVAL_NANOS) {
                if (offsets[last] != endOffset) {
                    offsets[last] = endOffset; // same sample slot: keep its time, move its end forward
                    entries[last] = entryCount;
                }
                return;
            }
        }
        offsets[(int) (count % SIZE)] = endOffset;
        nanos[(int) (count % SIZE)] = nanoTime;
        entries[(int) (count % SIZE)] = entryCount;
        count++;
    }

    /**
     * Entries committed after {@code acked}: exact when {@code acked} is at a commit, else counted
     * from the last commit at or before it (at most one batch more); -1 when older than the ring.
     */
    public synchronized long lagEntries(long acked) {
        if (count == 0) {
            return 0;
        }
        final long last = entries[(int) ((count - 1) % SIZE)];
        for (long i = count - 1; i >= Math.max(0, count - SIZE); i--) {
            final int slot = (int) (i % SIZE);
            if (offsets[slot] <= acked) {
                return last - entries[slot];
            }
        }
        return -1;
    }

    /**
     * Milliseconds since the first commit past {@code acked} (0 when nothing past it is
     * committed); when that commit is older than the ring remembers, since the oldest it holds.
     */
    public synchronized double lagMillis(long acked, long now) {
        long firstAfter = -1;
        for (long i = count - 1; i >= Math.max(0, count - SIZE); i--) {
            final int slot = (int) (i % SIZE);
            if (offsets[slot] <= acked) {
                break;
            }
            firstAfter = nanos[slot];
        }
        return firstAfter < 0 ? 0 : (now - firstAfter) / 1e6;
    }
}
