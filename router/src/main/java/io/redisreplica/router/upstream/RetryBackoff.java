package io.redisreplica.router.upstream;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The wait between the link's attempts: from {@link #MIN_MS} doubling up to {@link #MAX_MS}, each
 * wait drawn between half and all of it (jitter, so routers restarted together do not reconnect in
 * step). A failed full sync costs the master a BGSAVE: after one the wait is at least
 * {@link #FULL_SYNC_MS} and doubles up to {@link #FULL_SYNC_MAX_MS}.
 */
final class RetryBackoff {
    static final long MIN_MS = 100;
    static final long MAX_MS = 5000;
    static final long FULL_SYNC_MS = 10_000;
    static final long FULL_SYNC_MAX_MS = 60_000;

    private long current = MIN_MS;

    /** An attempt ended without a fault: the next failure waits the least again. */
    void reset() {
        current = MIN_MS;
    }

    /** The attempt that failed was a full sync. */
    void fullSyncFailed() {
        current = Math.max(current, FULL_SYNC_MS);
    }

    /** The bound of the next wait, as logged. */
    long current() {
        return current;
    }

    /** The next wait, in [current/2, current]; doubles the bound for the one after. */
    long next() {
        final long wait = current / 2 + ThreadLocalRandom.current().nextLong(current / 2 + 1);
        current = Math.min(current >= FULL_SYNC_MS ? FULL_SYNC_MAX_MS : MAX_MS, current * 2);
        return wait;
    }
}
