package io.redisreplica.router.support;

import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's one error policy, shared by every loop ({@link Agent}): a transient fault (I/O, a
 * refused connection, a full or read-only disk) is the loop's to retry, logged once per distinct
 * error through {@link #distinct}; what cannot be recovered is {@link #fatal}: one ERROR line,
 * the first such failure kept as the router's reason to stop ({@link #failure()}), and the
 * owner told, so {@code run} exits non-zero for a supervisor. A loop never dies silently.
 */
public final class ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

    private final AtomicReference<String> failure = new AtomicReference<>();
    private final Runnable onFatal;

    /** @param onFatal told once, on the first fatal error (from the failing thread): the owner stops the router */
    public ErrorHandler(Runnable onFatal) {
        this.onFatal = onFatal;
    }

    /** A handler that only records: for tests and tools that check {@link #failure()} themselves. */
    public static ErrorHandler recording() {
        return new ErrorHandler(() -> { });
    }

    /** A {@link DistinctErrors} for one loop's transient faults, logged to {@code log} under {@code where}. */
    public DistinctErrors distinct(Logger log, String where) {
        return new DistinctErrors(log, where);
    }

    /**
     * A loop cannot go on: logs one ERROR with the stack, keeps the first such reason, and tells
     * the owner once. Later fatal errors (the ones the stop itself causes) are logged at WARN.
     */
    public void fatal(String where, Throwable error) {
        final String reason = where + ": " + error;
        if (failure.compareAndSet(null, reason)) {
            LOG.error("fatal: {}: the router stops", reason, error);
            onFatal.run();
        } else {
            LOG.warn("after the router's failure ({}), also: {}", failure.get(), reason, error);
        }
    }

    /** The first fatal error, or null while none happened. */
    public String failure() {
        return failure.get();
    }
}
