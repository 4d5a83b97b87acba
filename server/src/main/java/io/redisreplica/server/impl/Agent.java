package io.redisreplica.server.impl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loop of the server (after Agrona's {@code AgentRunner}, as the router's agents): one named
 * daemon thread, started by {@link #start()} and ended by {@link #close()}, which wakes the loop
 * ({@link #wake()}: close its socket) and joins it within a bound. A throwable that escapes
 * {@link #run()} while the agent is not closing goes to {@link Errors#fatal}, so no thread dies
 * silently.
 */
public abstract class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final String name;
    private final Errors errors;
    private final long joinMillis;
    private volatile boolean closing;
    private Thread thread;

    protected Agent(String name, Errors errors, long joinMillis) {
        this.name = name;
        this.errors = errors;
        this.joinMillis = joinMillis;
    }

    /** The loop: returns (or throws) when it is done; checks {@link #closing()} between its steps. */
    protected abstract void run() throws Exception;

    /** Makes a blocked {@link #run()} return. Called once, by {@link #close()}. */
    protected void wake() {
    }

    public final String name() {
        return name;
    }

    protected final boolean closing() {
        return closing;
    }

    protected final Errors errors() {
        return errors;
    }

    /** Starts the loop's thread (once). */
    public final synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        thread = new Thread(this::runGuarded, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void runGuarded() {
        try {
            run();
        } catch (Throwable t) {
            if (closing) {
                LOG.debug("{} ended while closing: {}", name, t.toString());
            } else {
                errors.fatal(name, t);
            }
        }
    }

    /** Wakes the loop without waiting for it: a server wakes all its sessions before it joins each. */
    public final void wakeToClose() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        try {
            wake();
        } catch (RuntimeException e) {
            LOG.warn("{}: waking it to close failed", name, e);
        }
    }

    /** Stops the loop and waits for its thread, up to the join bound; says so when it did not end. */
    @Override
    public void close() {
        wakeToClose();
        final Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(joinMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            LOG.warn("{} did not end within {} ms of close: left running as a daemon", name, joinMillis);
        }
    }

    public final boolean running() {
        final Thread t = thread;
        return t != null && t.isAlive();
    }
}
