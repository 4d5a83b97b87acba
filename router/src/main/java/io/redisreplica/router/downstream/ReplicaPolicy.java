package io.redisreplica.router.downstream;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusing replicas: one that fails {@code maxFailures} times within {@code window} (closes the
 * link during a sync, breaks the protocol) is DROPPED: its syncs are refused for
 * {@code dropTime}, and after that it must take a full resync (its old offset is not trusted).
 * A replica is known by its address and announced listening port. A refused replica is slowed,
 * not fed: its connection is held before the refusal ({@link #refusalHoldMillis}), since it
 * reconnects at once and would otherwise do so hundreds of times a second for the whole drop.
 */
public final class ReplicaPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaPolicy.class);

    private final int maxFailures;
    private final long windowMillis;
    private final long dropMillis;
    private final Map<String, Deque<Long>> failures = new HashMap<>();
    private final Map<String, Long> droppedUntil = new HashMap<>();
    private final Map<String, Boolean> mustFullResync = new HashMap<>();
    private long drops;
    private final LongSupplier clock;

    /** How long a refused replica's connection is held before its error (Redis's repl-timeout is 60 s). */
    static final long REFUSAL_HOLD_MILLIS = 10_000;

    public ReplicaPolicy(int maxFailures, long windowMillis, long dropMillis) {
        this(maxFailures, windowMillis, dropMillis, System::currentTimeMillis);
    }

    /** @param clock the time in milliseconds (tests pass their own) */
    ReplicaPolicy(int maxFailures, long windowMillis, long dropMillis, LongSupplier clock) {
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.windowMillis = windowMillis;
        this.dropMillis = dropMillis;
    }

    synchronized void failed(String shard, String replica, String why) {
        final long now = clock.getAsLong();
        final Deque<Long> times = failures.computeIfAbsent(replica, r -> new ArrayDeque<>());
        times.addLast(now);
        while (!times.isEmpty() && now - times.peekFirst() > windowMillis) {
            times.removeFirst();
        }
        if (times.size() >= maxFailures && !droppedUntil.containsKey(replica)) {
            droppedUntil.put(replica, now + dropMillis);
            mustFullResync.put(replica, true);
            drops++;
            times.clear();
            LOG.warn("shard {} replica {}: DROPPED after {} failures within {} s (last: {}); refused for {} s, then a full resync",
                shard, replica, maxFailures, windowMillis / 1000, why, dropMillis / 1000);
        }
    }

    /** Null when the replica may sync, else the error to answer it with. */
    synchronized String refusal(String replica) {
        final Long until = droppedUntil.get(replica);
        if (until == null) {
            return null;
        }
        final long now = clock.getAsLong();
        if (now >= until) {
            droppedUntil.remove(replica);
            return null;
        }
        return "-ERR this replica was dropped after " + maxFailures + " failures within " + windowMillis / 1000
            + " s; it may sync again in " + (until - now) / 1000 + " s, with a full resync\r\n";
    }

    /** Milliseconds left of the replica's drop (0 when it is not dropped). */
    synchronized long remainingDropMillis(String replica) {
        final Long until = droppedUntil.get(replica);
        return until == null ? 0 : Math.max(0, until - clock.getAsLong());
    }

    /** How long to hold a refused replica before its error: the drop's remainder, at most {@link #REFUSAL_HOLD_MILLIS}. */
    synchronized long refusalHoldMillis(String replica) {
        return Math.min(REFUSAL_HOLD_MILLIS, remainingDropMillis(replica));
    }

    /** True once after a drop has expired: the replica's PSYNC offset is not honoured. */
    synchronized boolean takeFullResync(String replica) {
        return mustFullResync.remove(replica) != null;
    }

    synchronized boolean dropped(String replica) {
        return droppedUntil.containsKey(replica);
    }

    public synchronized long drops() {
        return drops;
    }
}
