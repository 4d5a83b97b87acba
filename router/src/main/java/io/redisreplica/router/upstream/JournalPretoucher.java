package io.redisreplica.router.upstream;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.Pretoucher;
import io.redisreplica.router.support.Agent;
import io.redisreplica.router.support.DistinctErrors;
import io.redisreplica.router.support.ErrorHandler;

/**
 * Runs the journal's {@link Pretoucher} on its own thread ({@code pretouch}), a round every
 * {@link #ROUND_MILLIS}: the link's thread appends to each shard's memory-mapped file, and its first
 * write to a page waited up to 335 ms in ext4 on a busy disk (issue 18), every shard's replicas
 * with it; a round does that page's first write here, ahead of the link. Nothing waits for a round:
 * the link appends as before whether rounds run, fail or stop. A shard's failure is logged once per
 * distinct error, counted with the link's retried faults, and the next round starts over.
 */
final class JournalPretoucher extends Agent {
    private static final Logger LOG = LoggerFactory.getLogger(JournalPretoucher.class);
    /** Between rounds: the headroom (4 MB and up) lasts a second at 30 000 writes/s, and grows with the pace. */
    static final long ROUND_MILLIS = 50;
    /** After a round with a failure, a pause of this long before the next one (not a loop of stack traces). */
    static final long AFTER_FAILURE_MILLIS = 1_000;

    private final Pretoucher pretoucher;
    private final DistinctErrors failures;
    private volatile Thread thread;
    private volatile long pages;
    private volatile long rounds;

    JournalPretoucher(Journal journal, ErrorHandler errors) {
        super("pretouch", errors, 5_000);
        this.pretoucher = new Pretoucher(journal);
        this.failures = errors.distinct(LOG, "pretouch");
    }

    /** Pages touched ahead of the shards' writers since start. */
    long pages() {
        return pages;
    }

    /** Rounds done since start. */
    long rounds() {
        return rounds;
    }

    /** Shard rounds that failed since start (each distinct error was logged once). */
    long failures() {
        return failures.total();
    }

    /** The last failure, "" before any. */
    String lastFailure() {
        return failures.last();
    }

    /** When the last failure happened (wall-clock millis), -1 before any. */
    long lastFailureMillis() {
        return failures.lastMillis();
    }

    @Override
    protected void run() {
        thread = Thread.currentThread();
        while (!closing()) {
            final long failedBefore = failures.total();
            try {
                pretoucher.round((shard, e) -> failures.record("pretouching shard " + shard, e));
            } catch (RuntimeException e) {
                failures.record("pretouching the journal", e);
            }
            pages = pretoucher.pages();
            rounds++;
            final long pause = failures.total() == failedBefore ? ROUND_MILLIS : AFTER_FAILURE_MILLIS;
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(pause));
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
