package io.redisreplica.router.upstream;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.router.support.Agent;
import io.redisreplica.router.support.DistinctErrors;
import io.redisreplica.router.support.ErrorHandler;

/**
 * Writes the link's periodic checkpoints on its own thread ({@code checkpoint}). A checkpoint is
 * made durable with two fsyncs (the file, then the directory after the rename), and on a disk
 * other processes keep busy one of them took up to a second (JFR, issue 18): on the link's thread
 * that stopped the stream, and every shard's replicas waited that long for commands the master
 * had long sent. The link hands each checkpoint over with {@link #offer} and goes on routing; this
 * thread writes the latest one offered (older ones not yet written are skipped: each supersedes
 * the one before). A checkpoint only bounds what a restart replays from the master's backlog, and
 * a journal that holds more than its checkpoint says is already how a restart finds it after a
 * crash ({@link Journal#upstreamOffsetCovered()}), so writing it a little later loses nothing.
 *
 * <p>{@link #write} is the synchronous form for the moments that must be durable before the link
 * goes on (a full sync's new snapshots, a clean stop): it waits for a write in progress, and no
 * checkpoint offered before it is written after it. A failed periodic write is logged once per
 * distinct error and retried with the next one offered.
 */
final class CheckpointWriter extends Agent {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);
    /** How long the thread parks when nothing is offered; {@link #offer} wakes it at once. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private record Pending(long sequence, Checkpoint checkpoint) {
    }

    private final Journal journal;
    private final DistinctErrors failures;
    private final AtomicReference<Pending> pending = new AtomicReference<>();
    private final AtomicLong sequence = new AtomicLong();
    /** Held while a checkpoint is written, so a synchronous write waits for one in progress. */
    private final Object writing = new Object();
    /** The sequence number of the last checkpoint written; guarded by {@link #writing}. */
    private long written;
    private volatile Thread thread;
    private volatile long writes;

    CheckpointWriter(Journal journal, ErrorHandler errors) {
        super("checkpoint", errors, 5_000);
        this.journal = journal;
        this.failures = errors.distinct(LOG, "checkpoint");
    }

    /**
     * Hands {@code checkpoint} over to be written soon; returns at once. The sequence is taken
     * here, not when the checkpoint was built: "an older one never overwrites a newer one" holds
     * because {@code offer} and {@link #write} are both called on the upstream link's thread, in
     * the order the checkpoints are built.
     */
    void offer(Checkpoint checkpoint) {
        pending.set(new Pending(sequence.incrementAndGet(), checkpoint));
        final Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Writes {@code checkpoint} now, on the caller's thread: it is durable when this returns.
     *
     * @throws io.redisreplica.journal.JournalException when it cannot be written
     */
    void write(Checkpoint checkpoint) {
        writeIfNewer(sequence.incrementAndGet(), checkpoint);
    }

    /**
     * Writes what {@code change} makes of the journal's checkpoint as it stands once a write in
     * progress is done, durable when this returns, as {@link #write} does; when {@code change}
     * returns null (it would change nothing) nothing is written, which saves the two fsyncs (issue
     * 18: up to half a second on a busy disk, in a full sync's last step), and no checkpoint offered
     * before this call is written after it all the same.
     *
     * @throws io.redisreplica.journal.JournalException when it cannot be written
     */
    void rewrite(UnaryOperator<Checkpoint> change) {
        final long seq = sequence.incrementAndGet();
        synchronized (writing) {
            final Checkpoint next = change.apply(journal.checkpoint());
            if (next != null) {
                writeIfNewer(seq, next);
            } else if (seq > written) {
                written = seq; // what is durable stands for this one: an older offer must not follow it
            }
        }
    }

    /** Checkpoints written since start, by either form. */
    long writes() {
        return writes;
    }

    /** Periodic writes that failed since start (each distinct error was logged once). */
    long failures() {
        return failures.total();
    }

    /** The last periodic write's failure, "" before any. */
    String lastFailure() {
        return failures.last();
    }

    /** When the last periodic write failed (wall-clock millis), -1 before any. */
    long lastFailureMillis() {
        return failures.lastMillis();
    }

    private void writeIfNewer(long seq, Checkpoint checkpoint) {
        synchronized (writing) {
            if (seq <= written) {
                return; // a later one is already durable
            }
            journal.writeCheckpoint(checkpoint);
            written = seq;
            writes++;
        }
    }

    @Override
    protected void run() {
        thread = Thread.currentThread();
        while (!closing()) {
            final Pending p = pending.getAndSet(null);
            if (p == null) {
                LockSupport.parkNanos(this, IDLE_NANOS);
                continue;
            }
            try {
                writeIfNewer(p.sequence(), p.checkpoint());
            } catch (RuntimeException e) {
                failures.record("writing the checkpoint", e); // the next checkpoint offered tries again
            }
        }
        final Pending last = pending.getAndSet(null);
        if (last != null) {
            try {
                writeIfNewer(last.sequence(), last.checkpoint());
            } catch (RuntimeException e) {
                // said at WARN: a throwable escaping a closing loop is only logged at DEBUG, and an
                // unclean stop writes no checkpoint of its own after this one
                LOG.warn("checkpoint: the last one offered before the stop was not written (the next start resumes from "
                    + "the one before, and the journal covers the rest): {}", e.toString());
            }
        }
    }

    @Override
    protected void wake() {
        final Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
