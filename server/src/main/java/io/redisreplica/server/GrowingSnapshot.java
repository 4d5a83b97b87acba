package io.redisreplica.server;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A source's next snapshot while it is still being written (an RDB being received from a master,
 * or split from one): the file it grows in, how many of its bytes are written so far, and the
 * replication id and offset the source takes with it. A replica that announced {@code capa eof}
 * is sent these bytes as they are written, with the diskless framing a diskless Redis master uses
 * ({@code $EOF:mark}, the bytes, the mark), so it loads while the file is made; the mark, which
 * ends the transfer for the replica, goes out only once the snapshot is {@link State#COMPLETE}
 * and the source stands in its history. A replica without {@code capa eof} waits (with the
 * newlines a master sends while it prepares an RDB) for the whole file, then gets it with its
 * length. The file is the buffer: nothing of the RDB is held in memory.
 *
 * <p>One writer (the application's): {@link #written(long)} after each write that reached the
 * file, then {@link #complete} once the source's {@link ReplicationSource#snapshot()} is this one
 * (same replid and offset, the whole file), or {@link #abandon} when it failed (replicas that were
 * streaming it are disconnected before its end, discard what they got and sync again; not a
 * failure of theirs). Sessions read behind {@link #written()} and wait on {@link #awaitBeyond}.
 *
 * <pre>{@code
 * GrowingSnapshot next = new GrowingSnapshot(file, Snapshot.newReplid(), offset);
 * // the source's growingSnapshot() returns it from now on
 * while (...) { out.write(chunk); out.flush(); next.written(bytesSoFar); }
 * source.snapshot(Snapshot.ofFile(next.replid(), next.offset(), file)); // then:
 * next.complete(bytesSoFar);
 * }</pre>
 */
public final class GrowingSnapshot {
    /** Where the snapshot is: being written, whole (the source's snapshot), or given up. */
    public enum State { GROWING, COMPLETE, ABANDONED }

    private final Path file;
    private final String replid;
    private final long offset;
    private final Object signal = new Object();
    private volatile long written;
    private volatile State state = State.GROWING;
    private volatile String failure;

    /**
     * @param file where it is written (a reader keeps its open file across a rename when it is put in place)
     * @param replid the replication id the source takes with it
     * @param offset the offset it stands at: the stream continues from there
     */
    public GrowingSnapshot(Path file, String replid, long offset) {
        this.file = Objects.requireNonNull(file, "file");
        this.replid = Snapshot.checkReplid(replid);
        if (offset < 0) {
            throw new IllegalArgumentException("snapshot offset=" + offset + " (expected: >= 0)");
        }
        this.offset = offset;
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

    /** The file is whole ({@code bytes} long) and the source's snapshot is this one now. */
    public void complete(long bytes) {
        written = bytes;
        state = State.COMPLETE;
        wake();
    }

    /** It failed: whoever streams it stops before its end, and its replica syncs again. */
    public void abandon(String reason) {
        failure = reason;
        state = State.ABANDONED;
        wake();
    }

    /**
     * Blocks until more than {@code position} bytes are written, the snapshot ends (complete or
     * abandoned), or the timeout; true when there is something new to look at.
     */
    public boolean awaitBeyond(long position, long timeoutMillis) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
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
        return "GrowingSnapshot[replid=" + replid + ", offset=" + offset + ", " + state + ", " + written + " bytes, file=" + file + "]";
    }
}
