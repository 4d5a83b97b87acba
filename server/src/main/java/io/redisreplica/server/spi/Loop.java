package io.redisreplica.server.spi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loop of a master (after Agrona's {@code AgentRunner}): one named daemon thread, started by
 * {@link #start()} and ended by {@link #close()}, which wakes the loop ({@link #wake()}: close its
 * socket, signal its condition) and joins it within a bound. A throwable that escapes {@link #run()}
 * while the loop is not closing goes to its owner's {@link FatalErrors}, so no thread dies
 * silently. Subclasses keep their state to their own thread, and publish what others read as
 * volatile or atomic values. The server's loops and the router's agents are made of it.
 */
public abstract class Loop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Loop.class);

    /** Where a throwable that escapes a loop goes: its owner's error policy. */
    @FunctionalInterface
    public interface FatalErrors {
        void fatal(String where, Throwable error);
    }

    private final String name;
    private final FatalErrors errors;
    private final long joinMillis;
    private volatile boolean closing;
    private Thread thread;

    /**
     * @param name the thread's name, as it shows in logs and thread dumps
     * @param joinMillis how long {@link #close()} waits for the loop to end
     */
    protected Loop(String name, FatalErrors errors, long joinMillis) {
        this.name = name;
        this.errors = errors;
        this.joinMillis = joinMillis;
    }

    /** The loop: returns (or throws) when it is done; checks {@link #closing()} between its steps. */
    protected abstract void run() throws Exception;

    /** Makes a blocked {@link #run()} return: close its socket, signal its condition. Called once, by {@link #close()}. */
    protected void wake() {
    }

    /** The thread's name. */
    public final String name() {
        return name;
    }

    /** Whether {@link #close()} was called: the loop should end. */
    protected final boolean closing() {
        return closing;
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

    /** Wakes the loop without waiting for it: an owner wakes all its loops before it joins each. */
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

    /** Whether the thread is still running. */
    public final boolean running() {
        final Thread t = thread;
        return t != null && t.isAlive();
    }
}
