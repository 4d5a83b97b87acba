package io.redisreplica.router.shard;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A shard's next snapshot while the master's RDB is still being split into it: the file it grows
 * in, how many of its bytes are on disk so far, and the identity (replid, offset, epoch) the
 * shard takes when it is complete. A replica that announced {@code capa eof} is sent these bytes
 * as they are written, so it loads its shard while the split runs; the file is the buffer, no
 * shard's RDB is held in memory.
 *
 * <p>One writer, the upstream link's thread (its full sync): {@link #written} after each write
 * to the file, then {@link #complete} once the shard's new epoch is in place, or {@link #abandon}
 * when the split failed (the file is deleted, and the shard keeps its old epoch). Replica sessions
 * read and wait on {@link #awaitBeyond}, woken by each of those, as journal readers wait for a commit.
 */
public final class GrowingSnapshot {
    /** Where the snapshot is: growing, complete (the shard's epoch is {@link #epoch()}), or abandoned. */
    public enum State { GROWING, COMPLETE, ABANDONED }

    private final Path file;
    private final String replid;
    private final long offset;
    private final long epoch;
    private final Object signal = new Object();
    private volatile long written;
    private volatile State state = State.GROWING;
    private volatile String failure;

    /**
     * @param file where the split writes it (its temporary name: a reader keeps its open file across the rename)
     * @param replid the replid the shard takes with it
     * @param offset the shard offset it stands at: the journal's end, which does not move during the split
     * @param epoch the epoch it starts
     */
    public GrowingSnapshot(Path file, String replid, long offset, long epoch) {
        this.file = file;
        this.replid = replid;
        this.offset = offset;
        this.epoch = epoch;
    }

    public Path file() {
        return file;
    }

    public String replid() {
        return replid;
    }

    public long offset() {
        return offset;
    }

    public long epoch() {
        return epoch;
    }

    /** Bytes of the file written so far: a reader may read up to here. */
    public long written() {
        return written;
    }

    public State state() {
        return state;
    }

    /** Why it was abandoned, or null. */
    public String failure() {
        return failure;
    }

    /** The file holds {@code bytes} bytes now (they reached the file: another descriptor reads them). */
    public void written(long bytes) {
        written = bytes;
        wake();
    }

    /** The file is whole and the shard's epoch {@link #epoch()} is in place with this snapshot's replid and offset. */
    public void complete(long bytes) {
        written = bytes;
        state = State.COMPLETE;
        wake();
    }

    /** The split failed: whoever streams this snapshot stops, and its replica syncs again. */
    public void abandon(String reason) {
        failure = reason;
        state = State.ABANDONED;
        wake();
    }

    /**
     * Blocks until more than {@code position} bytes are written, the snapshot ends (complete or
     * abandoned), or the timeout; true when there is something new to look at.
     */
    public boolean awaitBeyond(long position, long timeout, TimeUnit unit) throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (signal) {
            while (written <= position && state == State.GROWING) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(signal, left);
            }
            return true;
        }
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    @Override
    public String toString() {
        return "snapshot " + file.getFileName() + " (epoch " + epoch + " at offset " + offset + ", " + state + ", " + written + " bytes)";
    }
}
