package io.redisreplica.router.sinks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.api.KeyEvent;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalException;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.router.config.SinkConfig;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.Agent;
import io.redisreplica.router.support.DistinctErrors;
import io.redisreplica.router.support.ErrorHandler;

/**
 * Reads one shard's journal for one sink, on its own thread ({@code sink-NAME-SHARD}), and
 * delivers the key events in batches: from the offset the sink last recorded (a new sink starts at
 * the shard's current snapshot). A failed batch is a transient fault: it pauses the sink, is
 * logged once per distinct error (then counted: {@code errors} in INFO) and is delivered again
 * after a backoff with jitter (200 ms, doubling to 10 s), from the offset the sink says it holds;
 * after {@code maxFailures} failures in a row the sink is dropped until the router restarts.
 * Either way the journal keeps what is waiting and nothing else slows: the upstream link and the
 * replicas do not wait for sinks. An {@code Error} ends the loop and goes to the
 * {@link ErrorHandler} as fatal.
 *
 * <p>Over 300 lines: the loop, its backoff, its resume across journal history and its key-index
 * hand-over are one state machine on one thread; the deliveries, the resume rule (SinkResume) and
 * the index (KeyIndexKeeper) are their own classes.
 */
public final class SinkRunner extends Agent {
    private static final Logger LOG = LoggerFactory.getLogger(SinkRunner.class);
    private static final long MIN_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 10_000;
    /** How long {@link #close()} waits for a delivery in progress (user code may be slow to return). */
    static final long JOIN_MILLIS = 5_000;
    /** A batch without events still records its offset now and then, so a restart need not read it again. */
    private static final long IDLE_RECORD_MS = 1_000;

    /** Where the sink is. */
    public enum State { STARTING, RUNNING, PAUSED, DROPPED, STOPPED }

    private final SinkConfig config;
    private final ShardRuntime shard;
    private final SinkDelivery delivery;
    private final int maxFailures;
    private final KeyEvents keyEvents;
    /** The sink's key index when it asks for kinds ({@code kinds=}), else null. */
    private final KeyIndexKeeper keyIndex;
    private final DistinctErrors faults;
    /** Counted down by {@link #wake()}: a backoff ends at once on close. */
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Written by this runner's thread only; others read them (INFO, metrics, retention). */
    private volatile State state = State.STARTING;
    private volatile long delivered = -1;
    private volatile long events;
    private volatile int failures;
    private volatile String lastError = "";
    /** Times the sink went on past events it could not be given (see {@link SinkResume}). */
    private volatile long gaps;
    /** Where the journal could not be read for this sink, or -1: it goes on at the shard's next snapshot. */
    private long damagedAt = -1;
    /** The loop's thread, interrupted on close: user code blocked in {@code deliver} may heed it. */
    private volatile Thread loopThread;
    private final AtomicBoolean deliveryClosed = new AtomicBoolean();

    /** A sink whose key index (with {@code kinds=}) lives in {@code sinks/NAME/SHARD.index} beside the shard snapshots' directory. */
    public SinkRunner(SinkConfig config, ShardRuntime shard, SinkDelivery delivery, int maxFailures, ErrorHandler errorHandler) {
        this(config, shard, delivery, maxFailures, errorHandler, shard.snapshot().getParent().resolveSibling("sinks"));
    }

    /** @param sinkDir where the key index of a sink with {@code kinds=} lives: {@code sinkDir/NAME/SHARD.index} */
    public SinkRunner(SinkConfig config, ShardRuntime shard, SinkDelivery delivery, int maxFailures, ErrorHandler errorHandler,
                      java.nio.file.Path sinkDir) {
        super("sink-" + config.name() + "-" + shard.name(), errorHandler, JOIN_MILLIS);
        this.config = config;
        this.shard = shard;
        this.delivery = delivery;
        this.maxFailures = maxFailures;
        this.keyIndex = config.kinds().isEmpty() ? null
            : new KeyIndexKeeper(config, shard, sinkDir.resolve(config.name()).resolve(shard.name() + ".index"));
        this.keyEvents = keyIndex != null ? keyIndex.events() : new KeyEvents(config.values());
        this.faults = errorHandler.distinct(LOG, "sink " + config.name() + " shard " + shard.name());
    }

    public SinkConfig config() {
        return config;
    }

    public ShardRuntime shard() {
        return shard;
    }

    public State state() {
        return state;
    }

    /** The offset delivered and recorded, or -1 before the first batch. */
    public long delivered() {
        return delivered;
    }

    public long events() {
        return events;
    }

    /** Keys in the sink's key index ({@code kinds=}), or -1 without one. */
    public long indexKeys() {
        return keyIndex == null ? -1 : keyIndex.keys();
    }

    /** Bytes the sink's key index maps, or -1 without one. */
    public long indexBytes() {
        return keyIndex == null ? -1 : keyIndex.bytes();
    }

    /** Times the sink went on past events it could not be given: a journal set aside or cut by retention. */
    public long gaps() {
        return gaps;
    }

    /** Failures in a row (0 while it delivers). */
    public int failures() {
        return failures;
    }

    /** The last failure's message, "" before any. */
    public String lastError() {
        return lastError;
    }

    /** Commands the target refused inside delivered batches, or -1 when the delivery is not to Redis. */
    public long refused() {
        return delivery instanceof RedisSinkDelivery r ? r.refused() : -1;
    }

    /** Errors since start, repeats included (each distinct one was logged once). */
    public long faults() {
        return faults.total();
    }

    /**
     * Wakes the loop: a Redis delivery's connection is closed at once (a thread blocked reading a
     * socket does not see an interrupt), the backoff ends, and the thread is interrupted for user
     * code that heeds it.
     */
    @Override
    protected void wake() {
        closed.countDown();
        if (delivery instanceof RedisSinkDelivery) {
            delivery.close();
        }
        final Thread t = loopThread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Stops the loop and joins it (up to 5 s); user code is closed only once its thread is out of {@code deliver}. */
    @Override
    public void close() {
        super.close();
        if (!deliveryClosed.compareAndSet(false, true)) {
            return;
        }
        if (running()) {
            LOG.warn("sink {} shard {}: still delivering {} ms after the stop; left behind", config.name(), shard.name(), JOIN_MILLIS);
            return;
        }
        delivery.close();
        if (keyIndex != null) {
            keyIndex.close();
        }
    }

    /**
     * Closes every runner at once, each on a thread of its own, so that stopping N sinks takes
     * one join bound rather than N of them.
     */
    public static void closeAll(List<SinkRunner> runners) {
        final List<Thread> closing = new ArrayList<>(runners.size());
        for (SinkRunner r : runners) {
            final Thread t = new Thread(r::close, "close-" + r.name());
            t.setDaemon(true);
            t.start();
            closing.add(t);
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS + 1_000);
        for (Thread t : closing) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void state(State next, String reason) {
        if (next != state) {
            LOG.info("sink {} shard {}: {} -> {} ({})", config.name(), shard.name(), state, next, reason);
            state = next;
        }
    }

    @Override
    protected void run() {
        loopThread = Thread.currentThread();
        long backoff = MIN_BACKOFF_MS;
        while (!closing()) {
            try {
                deliverFromJournal();
            } catch (InterruptedException e) {
                break;
            } catch (Exception e) {
                if (closing()) {
                    break;
                }
                failures++;
                lastError = String.valueOf(e.getMessage()).replace('\n', ' ');
                faults.record("delivery failed (failure " + failures + " of " + maxFailures + ")", e);
                if (failures >= maxFailures) {
                    state(State.DROPPED, failures + " failures in a row, the last: " + lastError
                        + "; the journal keeps its events from offset " + delivered + " until retention passes them");
                    return;
                }
                state(State.PAUSED, "failure " + failures + " of " + maxFailures + ": " + lastError + "; retrying in up to " + backoff
                    + " ms");
                try {
                    if (closed.await(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1), TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } catch (InterruptedException ie) {
                    break;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
        state(State.STOPPED, "router stopping");
    }

    /** Lets the key index load a new snapshot where the sink reaches it; always true (a loop condition). */
    private boolean beforeEntry(long reached, List<KeyEvent> batch) throws java.io.IOException {
        keyIndex.beforeEntry(reached, batch);
        return true;
    }

    /** Connects, finds where to go on, and delivers until stopped; throws on any failure. */
    private void deliverFromJournal() throws Exception {
        final SinkPosition recorded = delivery.open();
        final SinkResume resume = damagedAt >= 0 ? afterDamage() : SinkResume.of(shard.journal(), shard.snapshotOffset(), recorded);
        if (resume == null) {
            return; // closing
        }
        final String history = shard.journal().history().currentId();
        final long start = resume.start();
        delivered = start;
        if (resume.lost() != null || resume.note() != null) {
            // recorded at once, before it is told: a retry after a failed record does not tell it again
            delivery.deliver(List.of(), new SinkPosition(start, history, -1, 0));
            if (resume.lost() != null) {
                gaps++;
            }
            LOG.warn("sink {} shard {}: {}; going on at offset {}", config.name(), shard.name(),
                resume.lost() != null ? resume.lost() : resume.note(), start);
        }
        if (resume.passing() != null) {
            LOG.info("sink {} shard {}: going on at offset {}: {}", config.name(), shard.name(), start, resume.passing());
        }
        if (keyIndex != null) {
            keyIndex.prepare(start);
        }
        try (JournalReader reader = shard.journal().reader()) {
            final SeekResult seek = reader.seek(start);
            if (seek != SeekResult.BOUNDARY) {
                throw new IllegalStateException("the journal of shard " + shard.name() + " cannot continue at offset " + start + " ("
                    + seek + "; it holds " + shard.journal().firstOffset() + ".." + shard.journal().endOffset() + ")");
            }
            final JournalEntry entry = new JournalEntry();
            final List<KeyEvent> batch = new ArrayList<>();
            final List<KeyEvent> passedOver = new ArrayList<>();
            long lastRecord = System.currentTimeMillis();
            long reached = start;
            // the upstream offset of the last entry read and how many entries had it: recorded with
            // the offset, so a journal cut back behind it is continued by upstream offset
            long upstream = recorded != null && start == recorded.offset() ? recorded.upstreamOffset() : -1;
            int upstreamEntries = recorded != null && start == recorded.offset() ? recorded.upstreamEntries() : 0;
            while (!closing()) {
                batch.clear();
                int entries = 0;
                try {
                    while (entries < config.batch() && (keyIndex == null || beforeEntry(reached, batch)) && reader.next(entry)) {
                        if (!resume.deliveredBefore(entry, shard.snapshotOffset())) {
                            keyEvents.of(shard.name(), entry, batch);
                        } else if (keyIndex != null) {
                            keyEvents.of(shard.name(), entry, passedOver); // delivered before: the index still takes it
                            passedOver.clear();
                        }
                        reached = entry.endOffset();
                        upstreamEntries = entry.upstreamOffset() == upstream ? upstreamEntries + 1 : 1;
                        upstream = entry.upstreamOffset();
                        entries++;
                    }
                } catch (JournalException damaged) {
                    // what this sink needs cannot be read: it goes on at the shard's next snapshot. Damage
                    // behind the current snapshot is this sink's alone (it lags): the snapshot is there already
                    damagedAt = reached;
                    if (reached >= shard.snapshotOffset()) {
                        shard.journalDamaged(damaged.getMessage());
                    }
                    throw damaged;
                }
                final long now = System.currentTimeMillis();
                if (!batch.isEmpty() || (reached > delivered && now - lastRecord >= IDLE_RECORD_MS)) {
                    delivery.deliver(batch, new SinkPosition(reached, history, upstream, upstreamEntries));
                    if (keyIndex != null) {
                        keyIndex.delivered(reached);
                    }
                    delivered = reached;
                    events += batch.size();
                    lastRecord = now;
                    if (failures > 0 || state != State.RUNNING) {
                        state(State.RUNNING, failures > 0 ? "delivering again after " + failures + " failures" : "delivering from offset "
                            + start);
                        failures = 0;
                    }
                } else if (state == State.STARTING) {
                    state(State.RUNNING, "delivering from offset " + start);
                }
                if (entries == 0) {
                    reader.await(100, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /**
     * After the journal could not be read at {@link #damagedAt}: waits for the shard's new
     * snapshot (the router asked the master for one), then goes on there. Null when closing.
     */
    private SinkResume afterDamage() throws InterruptedException {
        while (shard.snapshotOffset() <= damagedAt) {
            state(State.PAUSED, "the journal cannot be read after offset " + damagedAt + "; waiting for the shard's new snapshot");
            if (closed.await(200, TimeUnit.MILLISECONDS)) {
                return null;
            }
        }
        final SinkResume resume = SinkResume.afterDamage(shard.journal(), shard.snapshotOffset(), damagedAt);
        damagedAt = -1;
        return resume;
    }
}
