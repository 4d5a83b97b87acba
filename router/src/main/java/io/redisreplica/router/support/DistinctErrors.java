package io.redisreplica.router.support;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Logs each distinct error of a loop once, with its stack, and then only counts it (after
 * Agrona's {@code DistinctErrorLog}): a fault that lasts, retried every few seconds, gives one
 * line, not one per retry. Distinct means the same place, exception class and message with its
 * numbers left out (offsets, ports and counts change from one retry to the next).
 */
public final class DistinctErrors {
    private final Logger log;
    private final String where;
    private final ConcurrentHashMap<String, AtomicLong> seen = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();
    private volatile String last = "";
    private volatile long lastMillis = -1;

    public DistinctErrors(Logger log, String where) {
        this.log = log;
        this.where = where;
    }

    /**
     * Counts {@code error}; logs it (WARN, with its stack) the first time it is seen.
     *
     * @return true when it was logged
     */
    public boolean record(String what, Throwable error) {
        total.incrementAndGet();
        last = what + ": " + error;
        lastMillis = System.currentTimeMillis();
        final String key = error.getClass().getName() + ' ' + String.valueOf(error.getMessage()).replaceAll("[0-9]+", "#");
        final AtomicLong count = seen.computeIfAbsent(key, k -> new AtomicLong());
        if (count.getAndIncrement() == 0) {
            log.warn("{}: {} (logged once; repeats are counted in INFO)", where, what, error);
            return true;
        }
        return false;
    }

    /** Errors seen since start, repeats included. */
    public long total() {
        return total.get();
    }

    /** The last error, for INFO ("" before any). */
    public String last() {
        return last;
    }

    /** When the last error was recorded (wall-clock millis), -1 before any. */
    public long lastMillis() {
        return lastMillis;
    }
}
