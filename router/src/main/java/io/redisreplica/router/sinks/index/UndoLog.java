package io.redisreplica.router.sinks.index;

/**
 * The changes a {@link KeyIndex} made since its last stamp, each as (db, key hash, meta before; -1
 * for a key that was absent), so a delivery that failed in this process rolls the index back to
 * its stamp instead of rebuilding it from the snapshot. A flush, a swap, a snapshot load or more
 * than {@value #MAX_CHANGES} changes are not kept: the log is then {@link #lost()} and the index is
 * rebuilt. On the heap, grown by doubling, kept between batches: nothing allocated per change. A
 * process that dies takes it along (a restart rebuilds).
 */
final class UndoLog {
    static final int MAX_CHANGES = 1 << 20;

    private long[] changes = new long[3 * 1024];
    private int size;
    private boolean lost;

    void record(int db, long hash, long before) {
        if (lost) {
            return;
        }
        if (size == MAX_CHANGES) {
            lose();
            return;
        }
        if (3 * size + 3 > changes.length) {
            changes = java.util.Arrays.copyOf(changes, changes.length * 2);
        }
        changes[3 * size] = db;
        changes[3 * size + 1] = hash;
        changes[3 * size + 2] = before;
        size++;
    }

    /** A change the log cannot undo was made. */
    void lose() {
        lost = true;
        size = 0;
    }

    boolean lost() {
        return lost;
    }

    /** The index was stamped: what came before is kept for good. */
    void clear() {
        size = 0;
        lost = false;
    }

    int size() {
        return size;
    }

    int db(int i) {
        return (int) changes[3 * i];
    }

    long hash(int i) {
        return changes[3 * i + 1];
    }

    long before(int i) {
        return changes[3 * i + 2];
    }
}
