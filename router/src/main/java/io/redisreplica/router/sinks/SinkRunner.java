package io.redisreplica.router.sinks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.api.KeyEvent;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.router.config.SinkConfig;
import io.redisreplica.router.shard.ShardRuntime;

/**
 * Reads one shard's journal for one sink, on its own thread, and delivers the key events in
 * batches: from the offset the sink last recorded (a new sink starts at the shard's current
 * snapshot). A failed batch pauses the sink and is delivered again after a backoff (200 ms,
 * doubling to 10 s), from the offset the sink says it holds; after {@code maxFailures} failures
 * in a row the sink is dropped until the router restarts. Either way the journal keeps what is
 * waiting and nothing else slows: the upstream link and the replicas do not wait for sinks.
 */
public final class SinkRunner implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkRunner.class);
    private static final long MAX_BACKOFF_MS = 10_000;
    /** A batch without events still records its offset now and then, so a restart need not read it again. */
    private static final long IDLE_RECORD_MS = 1_000;

    /** Where the sink is. */
    public enum State { STARTING, RUNNING, PAUSED, DROPPED, STOPPED }

    private final SinkConfig config;
    private final ShardRuntime shard;
    private final SinkDelivery delivery;
    private final int maxFailures;
    private final KeyEvents keyEvents;
    private volatile State state = State.STARTING;
    private volatile boolean stopping;
    private volatile long delivered = -1;
    private volatile long events;
    private volatile int failures;
    private volatile String lastError = "";
    private Thread thread;

    public SinkRunner(SinkConfig config, ShardRuntime shard, SinkDelivery delivery, int maxFailures) {
        this.config = config;
        this.shard = shard;
        this.delivery = delivery;
        this.maxFailures = maxFailures;
        this.keyEvents = new KeyEvents(config.values());
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

    /** Failures in a row (0 while it delivers). */
    int failures() {
        return failures;
    }

    String lastError() {
        return lastError;
    }

    public void start() {
        thread = new Thread(this, "sink-" + config.name() + "-" + shard.name());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops the thread. A Redis delivery's connection is closed at once, since a thread blocked
     * reading a socket does not see an interrupt; user code is closed only once its thread is out
     * of {@code deliver}.
     */
    public void stop() {
        stopping = true;
        if (delivery instanceof RedisSinkDelivery) {
            delivery.close();
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("sink {} shard {}: still delivering 5 s after the stop; left behind", config.name(), shard.name());
                return;
            }
        }
        delivery.close();
    }

    private void state(State next, String reason) {
        if (next != state) {
            LOG.info("sink {} shard {}: {} -> {} ({})", config.name(), shard.name(), state, next, reason);
            state = next;
        }
    }

    @Override
    public void run() {
        long backoff = 200;
        while (!stopping) {
            try {
                deliverFromJournal();
            } catch (InterruptedException e) {
                break;
            } catch (Exception e) {
                if (stopping) {
                    break;
                }
                failures++;
                lastError = String.valueOf(e.getMessage()).replace('\n', ' ');
                if (failures >= maxFailures) {
                    state(State.DROPPED, failures + " failures in a row, the last: " + lastError
                        + "; the journal keeps its events from offset " + delivered + " until retention passes them");
                    return;
                }
                state(State.PAUSED, "failure " + failures + " of " + maxFailures + ": " + lastError + "; retrying in " + backoff + " ms");
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    break;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
        state(State.STOPPED, "router stopping");
    }

    /** Connects, finds where to go on, and delivers until stopped; throws on any failure. */
    private void deliverFromJournal() throws Exception {
        final long recorded = delivery.open();
        final long start = recorded >= 0 ? recorded : Math.max(shard.journal().firstOffset(), Math.max(0, shard.snapshotOffset()));
        delivered = start;
        try (JournalReader reader = shard.journal().reader()) {
            final SeekResult seek = reader.seek(start);
            if (seek != SeekResult.BOUNDARY) {
                throw new IllegalStateException("the journal of shard " + shard.name() + " cannot continue at offset " + start + " ("
                    + seek + "; it holds " + shard.journal().firstOffset() + ".." + shard.journal().endOffset() + ")");
            }
            final JournalEntry entry = new JournalEntry();
            final List<KeyEvent> batch = new ArrayList<>();
            long lastRecord = System.currentTimeMillis();
            long reached = start;
            while (!stopping) {
                batch.clear();
                int entries = 0;
                while (entries < config.batch() && reader.next(entry)) {
                    keyEvents.of(shard.name(), entry, batch);
                    reached = entry.endOffset();
                    entries++;
                }
                final long now = System.currentTimeMillis();
                if (!batch.isEmpty() || (reached > delivered && now - lastRecord >= IDLE_RECORD_MS)) {
                    delivery.deliver(batch, reached);
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

    /** One INFO line's fields. */
    public String info() {
        return "state=" + state.name().toLowerCase(Locale.ROOT) + ",kind=" + config.kind().name().toLowerCase(Locale.ROOT)
            + ",delivered=" + delivered + ",lag_bytes=" + (delivered < 0 ? -1 : shard.journal().endOffset() - delivered)
            + ",events=" + events + ",failures=" + failures
            + (delivery instanceof RedisSinkDelivery r ? ",refused=" + r.refused() : "")
            + ",last_error=" + lastError.replace(',', ';').replace('\r', ' ');
    }
}
