package io.redisreplica.router;

/**
 * When recent shard offsets were committed: a ring of (end offset, time) pairs the upstream link
 * fills at each commit, so a replica's lag can be told in milliseconds ("the oldest data it has
 * not acknowledged was committed this long ago"), not only in bytes.
 */
final class CommitClock {
    private static final int SIZE = 4096;
    private final long[] offsets = new long[SIZE];
    private final long[] nanos = new long[SIZE];
    private final long[] entries = new long[SIZE];
    private long count;

    synchronized void committed(long endOffset, long nanoTime, long entryCount) {
        if (count > 0 && offsets[(int) ((count - 1) % SIZE)] == endOffset) {
            return; // nothing new since the last commit
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
    synchronized long lagEntries(long acked) {
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
    synchronized double lagMillis(long acked, long now) {
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
