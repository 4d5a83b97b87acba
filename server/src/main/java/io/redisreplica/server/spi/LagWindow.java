package io.redisreplica.server.spi;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.redisreplica.server.LagStats;

/**
 * A replica's ACK lag over the last {@value #SLOTS} slots of {@value #SLOT_MILLIS} ms (one
 * minute), so a stall shows while it lasts and is gone a minute later, instead of weighing on
 * percentiles since connect for the life of the session.
 *
 * <p>The ACK reader records into an HdrHistogram {@link Recorder} (wait-free); whoever asks for
 * the window, or the next record in a new slot, drains the recorder's interval into the slot of
 * the time it is drained, so a value lands at most one ACK (replicas ACK at least once a second)
 * late. Readers and the draining record share one lock, taken by the ACK reader once per slot and
 * by each read, never per command. Values are milliseconds, capped at {@link #MAX_MILLIS}.
 */
public final class LagWindow {
    static final long SLOT_MILLIS = 10_000;
    static final int SLOTS = 6;
    static final long MAX_MILLIS = 3_600_000;

    private final Recorder recorder = new Recorder(MAX_MILLIS, 2);
    private final Histogram[] slots = new Histogram[SLOTS];
    /** The slot number (time / SLOT_MILLIS) each slot holds, -1 while unused. */
    private final long[] slotNumbers = new long[SLOTS];
    private final Histogram sum = new Histogram(MAX_MILLIS, 2);
    private Histogram spare;
    private volatile long lastDrainedSlot = -1;
    private long count;
    private double sumMillis;

    public LagWindow() {
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Histogram(MAX_MILLIS, 2);
            slotNumbers[i] = -1;
        }
    }

    /** From the ACK reader's thread: wait-free, except once per slot when the last one is drained. */
    public void record(double millis, long nowMillis) {
        recorder.recordValue(Math.max(0, Math.min((long) millis, MAX_MILLIS)));
        if (nowMillis / SLOT_MILLIS != lastDrainedSlot) {
            drain(nowMillis);
        }
    }

    /** The window ending now: p50, p99 and max in ms (0 when empty), and every value recorded since start. */
    public synchronized LagStats snapshot(long nowMillis) {
        drain(nowMillis);
        final long current = nowMillis / SLOT_MILLIS;
        sum.reset();
        for (int i = 0; i < SLOTS; i++) {
            if (slotNumbers[i] > current - SLOTS) {
                sum.add(slots[i]);
            }
        }
        if (sum.getTotalCount() == 0) {
            return new LagStats(0, 0, 0, count, sumMillis);
        }
        return new LagStats(sum.getValueAtPercentile(50), sum.getValueAtPercentile(99), sum.getMaxValue(), count, sumMillis);
    }

    private synchronized void drain(long nowMillis) {
        final Histogram interval = recorder.getIntervalHistogram(spare);
        final long slotNumber = nowMillis / SLOT_MILLIS;
        final int i = (int) (slotNumber % SLOTS);
        if (slotNumbers[i] != slotNumber) {
            slots[i].reset();
            slotNumbers[i] = slotNumber;
        }
        slots[i].add(interval);
        count += interval.getTotalCount();
        sumMillis += interval.getMean() * interval.getTotalCount();
        lastDrainedSlot = slotNumber;
        spare = interval;
    }
}
