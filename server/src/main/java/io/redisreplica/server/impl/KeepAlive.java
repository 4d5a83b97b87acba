package io.redisreplica.server.impl;

/**
 * The master's PING: every {@code repl-ping-replica-period}, while a replica streams, asks the
 * source to append a {@code PING} to the stream ({@code replicationCron} does it the same way), so
 * an idle replica's {@code repl-timeout} does not expire and its offset keeps moving with the
 * master's. A source that does not append (its {@code ping()} returns false) is asked once and
 * then left alone.
 */
public final class KeepAlive extends Agent {
    private final Sessions sessions;
    private final long periodMillis;
    private final Object wakeUp = new Object();

    public KeepAlive(Sessions sessions, long periodMillis) {
        super("replication-ping", sessions.errors(), 2000);
        this.sessions = sessions;
        this.periodMillis = periodMillis;
    }

    @Override
    protected void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    @Override
    protected void run() throws InterruptedException {
        while (!closing()) {
            synchronized (wakeUp) {
                if (!closing()) {
                    wakeUp.wait(periodMillis);
                }
            }
            if (closing() || !sessions.streaming()) {
                continue;
            }
            try {
                if (!sessions.context().source().ping()) {
                    return; // the source keeps its stream alive itself
                }
            } catch (java.io.IOException | RuntimeException e) {
                errors().handled(name() + ": the source's ping failed", e);
            }
        }
    }
}
