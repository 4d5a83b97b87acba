package io.redisreplica.router.support;

import io.redisreplica.server.spi.Loop;

/**
 * A loop the router owns: a {@link Loop} (one named thread, {@code start()}, a {@code close()}
 * that wakes and joins it within a bound) whose escaping throwables go to the router's one
 * {@link ErrorHandler} as fatal, so no thread dies silently. Subclasses keep their state to their
 * own thread, and publish what others read as volatile or atomic values.
 */
public abstract class Agent extends Loop {
    private final ErrorHandler errors;

    /**
     * @param name the thread's name, as it shows in logs and thread dumps
     * @param joinMillis how long {@link #close()} waits for the loop to end
     */
    protected Agent(String name, ErrorHandler errors, long joinMillis) {
        super(name, errors::fatal, joinMillis);
        this.errors = errors;
    }

    /** The router's error handler, for the faults the loop handles itself. */
    protected final ErrorHandler errors() {
        return errors;
    }
}
