package io.redisreplica.server.impl;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.server.ServerListener;

/**
 * The server's one error policy: every fault goes to the application's {@link ServerListener};
 * each distinct one (where, type, message) is logged once with its stack, later ones only
 * counted, so a fault that repeats every second does not flood the log. A listener that throws is
 * logged and otherwise ignored: it must not end the thread that reports.
 */
public final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger("io.redisreplica.server");
    /** Distinct errors remembered for the log-once rule; past it each is logged at DEBUG only. */
    private static final int MAX_DISTINCT = 256;

    private final ServerListener listener;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final AtomicLong count = new AtomicLong();

    public Errors(ServerListener listener) {
        this.listener = listener;
    }

    /** A fault handled where it happened (the part goes on, or one replica's session ended). */
    public void handled(String where, Throwable error) {
        report(where, error, false);
    }

    /** A part of the server stopped for good. */
    public void fatal(String where, Throwable error) {
        report(where, error, true);
    }

    /** Errors reported since start. */
    public long count() {
        return count.get();
    }

    private void report(String where, Throwable error, boolean fatal) {
        count.incrementAndGet();
        final String key = where.replaceAll("[0-9.:]+$", "") + " " + error.getClass().getName() + ": " + error.getMessage();
        if (fatal) {
            LOG.error("{}: stopped: {}", where, error.toString(), error);
        } else if (logged.size() < MAX_DISTINCT && logged.add(key)) {
            LOG.warn("{}: {} (further occurrences are counted, not logged)", where, error.toString(), error);
        } else {
            LOG.debug("{}: {}", where, error.toString());
        }
        try {
            listener.onError(where, error, fatal);
        } catch (RuntimeException e) {
            LOG.warn("the ServerListener failed on an error of {}", where, e);
        }
    }
}
