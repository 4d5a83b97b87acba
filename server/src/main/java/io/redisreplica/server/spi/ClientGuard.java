package io.redisreplica.server.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port's memory of what clients did wrong, by remote address (which, unlike an announced
 * listening port, a client cannot choose): wrong AUTH attempts and connections that broke the
 * protocol or timed out before completing the replica handshake. None of that counts against a
 * replica's identity. A {@code ReplicationServer} keeps one per port; the router's virtual
 * masters and its admin port use it too.
 *
 * <p>AUTH is compared in constant time ({@link MessageDigest#isEqual}), the user name included
 * ({@code default} unless the port names another). After {@value #FREE_FAILURES} wrong
 * attempts from an address within {@value #WINDOW_MILLIS} ms, each further wrong answer is held
 * back 100 ms doubling to 2 s and its connection closed: a brute force gets a few guesses a
 * second instead of 20,000. A burst is logged once when it starts and once, with its count,
 * when it is over; never a line per attempt.
 */
public final class ClientGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ClientGuard.class);
    static final int FREE_FAILURES = 5;
    static final long WINDOW_MILLIS = 60_000;
    static final long MAX_DELAY_MILLIS = 2_000;
    /** Addresses remembered at most; the oldest burst is forgotten first. */
    private static final int MAX_ADDRESSES = 10_000;
    /** The user a replica without {@code masteruser} names, and the only one a virtual master knows. */
    static final String DEFAULT_USER = "default";

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
    private final byte[] user;
    private final Map<String, Burst> bursts = new LinkedHashMap<>();
    private final AtomicLong authFailures = new AtomicLong();
    private final AtomicLong protocolFailures = new AtomicLong();

    /** A guard whose AUTH must name the {@code default} user (or none). */
    public ClientGuard(String role) {
        this(role, null);
    }

    /**
     * @param role what the port is, for the log ({@code shard a}, {@code admin})
     * @param user the user name AUTH must give ({@code shard-user}, {@code admin-user}), null for {@code default}
     */
    public ClientGuard(String role, String user) {
        this.role = role;
        this.user = (user == null ? DEFAULT_USER : user).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * True when {@code user} (null: {@code AUTH password}, the {@code default} user) is this port's
     * user and {@code given} is the password; compared in constant time.
     */
    public boolean matches(String given, String user, String password) {
        final boolean userOk = MessageDigest.isEqual((user == null ? DEFAULT_USER : user).getBytes(StandardCharsets.UTF_8), this.user);
        final boolean passwordOk = MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
        return userOk & passwordOk;
    }

    /**
     * Holds a wrong AUTH's reply back {@code delayMs} (what {@link #authFailed} said), with what
     * was written before it flushed: a guesser waits, and the caller closes after the reply.
     */
    public static void holdBack(long delayMs, java.io.OutputStream out) throws java.io.IOException {
        if (delayMs <= 0) {
            return;
        }
        out.flush();
        try {
            Thread.sleep(delayMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Notes a wrong AUTH from {@code address}.
     *
     * @return how long to hold the error reply back, 0 while the address is within its free attempts
     *     (a positive value also means: close the connection after the reply)
     */
    public long authFailed(String address) {
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

    /** Notes a connection from {@code address} that broke the protocol or timed out before its PSYNC. */
    public void protocolFailed(String address, String reason) {
        protocolFailures.incrementAndGet();
        synchronized (this) {
            burst(address, reason).protocolFailures++;
        }
    }

    /** Wrong AUTH attempts since start. */
    public long authFailures() {
        return authFailures.get();
    }

    /** Connections closed for a protocol error or a handshake timeout since start. */
    public long protocolFailures() {
        return protocolFailures.get();
    }

    /** Logs the end of bursts that are over; called on every failure and accepted connection. */
    public synchronized void sweep() {
        final long now = System.currentTimeMillis();
        final Iterator<Map.Entry<String, Burst>> it = bursts.entrySet().iterator();
        while (it.hasNext()) {
            final Map.Entry<String, Burst> e = it.next();
            if (now - e.getValue().last > WINDOW_MILLIS) {
                it.remove();
                ended(e.getKey(), e.getValue());
            }
        }
    }

    private Burst burst(String address, String reason) {
        final long now = System.currentTimeMillis();
        sweep();
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
            LOG.warn("{}: client {}: {}; further failures from this address are counted and logged when they stop "
                + "(wrong AUTH answers are slowed after {})", role, address, reason, FREE_FAILURES);
        }
        b.last = now;
        b.lastReason = reason;
        return b;
    }

    private void ended(String address, Burst b) {
        if (b.authFailures + b.protocolFailures > 1) {
            LOG.warn("{}: client {}: {} wrong AUTH and {} broken or timed-out connections in {} s (last: {})", role, address,
                b.authFailures, b.protocolFailures, (b.last - b.started) / 1000, b.lastReason);
        }
    }
}
