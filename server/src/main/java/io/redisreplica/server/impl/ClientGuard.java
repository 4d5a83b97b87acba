package io.redisreplica.server.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The port's memory of what clients did wrong, by remote address (which a client cannot choose):
 * wrong AUTH attempts and connections that broke the protocol or timed out in the handshake. As
 * the router's virtual masters do.
 *
 * <p>AUTH is compared in constant time ({@link MessageDigest#isEqual}), the user name included
 * ({@code default}, the only user). After {@value #FREE_FAILURES} wrong attempts from an address
 * within {@value #WINDOW_MILLIS} ms, each further wrong answer is held back 100 ms doubling to 2 s
 * and its connection closed: a brute force gets a few guesses a second. A burst is logged once
 * when it starts and once, with its counts, when it is over; never a line per attempt.
 */
public final class ClientGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ClientGuard.class);
    static final int FREE_FAILURES = 5;
    static final long WINDOW_MILLIS = 60_000;
    static final long MAX_DELAY_MILLIS = 2_000;
    private static final int MAX_ADDRESSES = 10_000;
    private static final byte[] DEFAULT_USER = "default".getBytes(StandardCharsets.UTF_8);

    private static final class Burst {
        final long started;
        long last;
        long authFailures;
        long protocolFailures;
        String lastReason;

        Burst(long now) {
            this.started = now;
            this.last = now;
        }
    }

    private final String role;
    private final Map<String, Burst> bursts = new LinkedHashMap<>();
    private final AtomicLong authFailures = new AtomicLong();
    private final AtomicLong protocolFailures = new AtomicLong();

    public ClientGuard(String role) {
        this.role = role;
    }

    /** True when {@code user} (null: the {@code default} user) is {@code default} and {@code given} is the password; constant time. */
    boolean matches(String given, String user, String password) {
        final boolean userOk = MessageDigest.isEqual(user == null ? DEFAULT_USER : user.getBytes(StandardCharsets.UTF_8), DEFAULT_USER);
        final boolean passwordOk = MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
        return userOk & passwordOk;
    }

    /**
     * Notes a wrong AUTH from {@code address}.
     *
     * @return how long to hold the error reply back, 0 within the free attempts (a positive value
     *     also means: close the connection after the reply)
     */
    long authFailed(String address) {
        authFailures.incrementAndGet();
        final long failures;
        synchronized (this) {
            final Burst b = burst(address, "wrong AUTH");
            b.authFailures++;
            failures = b.authFailures;
        }
        if (failures <= FREE_FAILURES) {
            return 0;
        }
        return Math.min(MAX_DELAY_MILLIS, 100L << Math.min(10, failures - FREE_FAILURES - 1));
    }

    /** Notes a connection from {@code address} that broke the protocol or timed out before its SYNC/PSYNC. */
    void protocolFailed(String address, String reason) {
        protocolFailures.incrementAndGet();
        synchronized (this) {
            burst(address, reason).protocolFailures++;
        }
    }

    public long authFailures() {
        return authFailures.get();
    }

    public long protocolFailures() {
        return protocolFailures.get();
    }

    private Burst burst(String address, String reason) {
        final long now = System.currentTimeMillis();
        sweep(now);
        Burst b = bursts.get(address);
        if (b == null) {
            if (bursts.size() >= MAX_ADDRESSES) {
                final Iterator<Map.Entry<String, Burst>> it = bursts.entrySet().iterator();
                final Map.Entry<String, Burst> oldest = it.next();
                it.remove();
                ended(oldest.getKey(), oldest.getValue());
            }
            b = new Burst(now);
            bursts.put(address, b);
            LOG.warn("{}: client {}: {}; further failures from this address are counted and logged when they stop", role, address, reason);
        }
        b.last = now;
        b.lastReason = reason;
        return b;
    }

    private void sweep(long now) {
        final Iterator<Map.Entry<String, Burst>> it = bursts.entrySet().iterator();
        while (it.hasNext()) {
            final Map.Entry<String, Burst> e = it.next();
            if (now - e.getValue().last > WINDOW_MILLIS) {
                it.remove();
                ended(e.getKey(), e.getValue());
            }
        }
    }

    private void ended(String address, Burst b) {
        if (b.authFailures + b.protocolFailures > 1) {
            LOG.warn("{}: client {}: {} wrong AUTH and {} broken or timed-out connections in {} s (last: {})", role, address,
                b.authFailures, b.protocolFailures, (b.last - b.started) / 1000, b.lastReason);
        }
    }
}
