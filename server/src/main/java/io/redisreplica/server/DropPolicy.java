package io.redisreplica.server;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReplicaPolicy} that drops a replica that keeps failing: {@code maxFailures} failures
 * within {@code windowMillis} make it DROPPED, its syncs are refused for {@code dropMillis}, and
 * after that it must take a full resync (its old offset is not trusted) until it has loaded one. A refused replica is
 * slowed, not fed: its connection is held before the refusal (at most {@link #REFUSAL_HOLD_MILLIS},
 * never past the drop), since it reconnects at once and would otherwise do so hundreds of times a
 * second for the whole drop. Each drop is logged once, with the failure that made it. What it
 * remembers is bounded: past {@link #SWEEP_AT} names, failures out of the window, drops that
 * ended and full resyncs owed for over an hour are forgotten.
 *
 * <pre>{@code
 * new ServerContext().source(backlog).policy(new DropPolicy("replication server", 3, 60_000, 300_000));
 * }</pre>
 */
public final class DropPolicy implements ReplicaPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(DropPolicy.class);
    /** How long a refused replica's connection is held before its error (Redis's repl-timeout is 60 s). */
    public static final long REFUSAL_HOLD_MILLIS = 10_000;
    /**
     * Names tracked beyond which the stale ones are forgotten: a replica without a listening port is
     * named by its ephemeral port, a new name at every connection, so the maps must not keep them all.
     */
    static final int SWEEP_AT = 1024;
    /** A full resync owed to a replica that has not come back this long after its drop ended is forgotten (in a sweep). */
    static final long FORGET_OWED_MILLIS = 3_600_000;

    private final String name;
    private final int maxFailures;
    private final long windowMillis;
    private final long dropMillis;
    private final LongSupplier clock;
    private final Map<String, Deque<Long>> failures = new HashMap<>();
    private final Map<String, Long> droppedUntil = new HashMap<>();
    /** Replicas owed a full resync, with when their drop ended. */
    private final Map<String, Long> mustFullResync = new HashMap<>();
    private long drops;

    /**
     * @param name what the log calls the master whose replicas these are ({@code replication server}, {@code shard s0})
     * @param maxFailures failures within the window that drop a replica (>= 1)
     */
    public DropPolicy(String name, int maxFailures, long windowMillis, long dropMillis) {
        this(name, maxFailures, windowMillis, dropMillis, System::currentTimeMillis);
    }

    /** @param clock the time in milliseconds (tests pass their own) */
    DropPolicy(String name, int maxFailures, long windowMillis, long dropMillis, LongSupplier clock) {
        this.name = Objects.requireNonNull(name, "name");
        if (maxFailures < 1 || windowMillis < 0 || dropMillis < 0) {
            throw new IllegalArgumentException("maxFailures=" + maxFailures + ", windowMillis=" + windowMillis + ", dropMillis=" + dropMillis
                + " (expected: maxFailures >= 1, times >= 0)");
        }
        this.maxFailures = maxFailures;
        this.windowMillis = windowMillis;
        this.dropMillis = dropMillis;
        this.clock = clock;
    }

    @Override
    public synchronized Admission admit(String replica) {
        final String refusal = refusal(replica);
        if (refusal != null) {
            return Admission.refuse(refusal, Math.min(REFUSAL_HOLD_MILLIS, remainingDropMillis(replica)));
        }
        // owed until the replica has loaded a full resync (loaded), not only been let in: one that
        // fails again before it loads the snapshot must not continue from its old offset next time
        return mustFullResync.containsKey(replica) ? Admission.FULL_RESYNC : Admission.ALLOW;
    }

    @Override
    public synchronized void loaded(String replica) {
        mustFullResync.remove(replica);
    }

    @Override
    public synchronized boolean failed(String replica, String why) {
        final long now = clock.getAsLong();
        final Deque<Long> times = failures.computeIfAbsent(replica, r -> new ArrayDeque<>());
        times.addLast(now);
        while (!times.isEmpty() && now - times.peekFirst() > windowMillis) {
            times.removeFirst();
        }
        if (times.size() >= maxFailures && !droppedUntil.containsKey(replica)) {
            droppedUntil.put(replica, now + dropMillis);
            mustFullResync.put(replica, now + dropMillis);
            drops++;
            times.clear();
            LOG.warn("{} replica {}: DROPPED after {} failures within {} s (last: {}); refused for {} s, then a full resync",
                name, replica, maxFailures, windowMillis / 1000, why, dropMillis / 1000);
        }
        final boolean dropped = droppedUntil.containsKey(replica);
        if (failures.size() + droppedUntil.size() + mustFullResync.size() > SWEEP_AT) {
            sweep(now);
        }
        return dropped;
    }

    /** Forgets failures older than the window, drops that ended (their full resync stays owed), and owed resyncs long unclaimed. */
    private void sweep(long now) {
        failures.values().removeIf(times -> times.isEmpty() || now - times.peekLast() > windowMillis);
        droppedUntil.values().removeIf(until -> now >= until);
        mustFullResync.values().removeIf(ended -> now - ended > FORGET_OWED_MILLIS);
    }

    /** Replica names held in its maps (tests: bounded). */
    synchronized int tracked() {
        return failures.size() + droppedUntil.size() + mustFullResync.size();
    }

    /** Null when the replica may sync, else the error to answer it with; forgets a drop that expired. */
    private String refusal(String replica) {
        final Long until = droppedUntil.get(replica);
        if (until == null) {
            return null;
        }
        final long now = clock.getAsLong();
        if (now >= until) {
            droppedUntil.remove(replica);
            return null;
        }
        return "ERR this replica was dropped after " + maxFailures + " failures within " + windowMillis / 1000
            + " s; it may sync again in " + (until - now) / 1000 + " s, with a full resync";
    }

    /** Milliseconds left of the replica's drop (0 when it is not dropped). */
    public synchronized long remainingDropMillis(String replica) {
        final Long until = droppedUntil.get(replica);
        return until == null ? 0 : Math.max(0, until - clock.getAsLong());
    }

    /** Whether the replica is dropped now. */
    public synchronized boolean dropped(String replica) {
        final Long until = droppedUntil.get(replica);
        return until != null && clock.getAsLong() < until;
    }

    /** Drops since start. */
    public synchronized long drops() {
        return drops;
    }

    @Override
    public String toString() {
        return "DropPolicy[" + name + ": " + maxFailures + " failures within " + windowMillis + " ms drop for " + dropMillis + " ms]";
    }
}
