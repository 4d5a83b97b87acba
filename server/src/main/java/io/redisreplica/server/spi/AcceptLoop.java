package io.redisreplica.server.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accept loop of a listener: each connection within the {@link ClientSlots}
 * ({@code maxclients}: past it a connection is answered {@code -ERR max number of clients
 * reached}, as Redis does, and closed) is handed to {@link Connections}, which serves it on a
 * thread of its own. A failing {@code accept} (EMFILE: out of file descriptors) backs off from
 * 10 ms doubling to 1 s instead of spinning, and the loop resumes by itself when descriptors free
 * up (logged at most once a minute); a connection whose thread cannot start is closed. Both
 * failures go to the owner's {@link Failures}, its error policy (the server reports them to its
 * {@code ServerListener}, the router logs each distinct one once and counts the rest), and are
 * counted in {@link #acceptErrors()}. {@link #close()} closes the listening socket and joins the
 * loop; the connections' threads are their own.
 *
 * <p>TLS is the connections' business: a TLS handshake runs on the connection's thread, never on
 * this one, so one slow client cannot hold the port.
 */
public final class AcceptLoop extends Loop {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptLoop.class);
    /** The first backoff after a failed accept; it doubles up to {@link #MAX_BACKOFF_MILLIS}. */
    public static final long MIN_BACKOFF_MILLIS = 10;
    public static final long MAX_BACKOFF_MILLIS = 1000;
    private static final byte[] FULL = "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * Takes an accepted connection, which holds a slot, and starts what serves it; that calls
     * {@code release} once when it ends (not when {@code start} throws: the loop releases then).
     */
    @FunctionalInterface
    public interface Connections {
        void start(Socket socket, Runnable release);
    }

    /** The owner's error policy for a failed accept or a connection that could not start (the loop goes on either way). */
    @FunctionalInterface
    public interface Failures {
        void failed(String what, Throwable error);
    }

    /** Serves one connection on its thread ({@link #threadPerConnection}); the socket is closed after it returns. */
    public interface Handler {
        String threadName(Socket socket);

        void serve(Socket socket) throws Exception;
    }

    private final String role;
    private final ServerSocket server;
    private final ClientSlots slots;
    private final Connections connections;
    private final Failures failures;
    private final AtomicLong errors = new AtomicLong();
    private long lastRecoveryLog;

    /**
     * A listening socket on {@code host:port}, or an error that names the address and, with
     * {@code who} ({@code shard a}, {@code admin}; null for none), who wanted it: a port in use
     * is a {@link BindException} an operator can read.
     */
    public static ServerSocket bind(String who, String host, int port, int backlog) throws IOException {
        final ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(host), port), backlog);
            return server;
        } catch (IOException e) {
            server.close();
            final String why = (who == null ? "" : who + ": ") + "cannot listen on " + host + ":" + port + ": " + e.getMessage();
            throw e instanceof BindException ? new BindException(why) : new IOException(why, e);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * @param name the loop's thread name
     * @param role what its log lines begin with ({@code shard a}, {@code admin})
     * @param fatal where a throwable that escapes the loop goes
     */
    public AcceptLoop(String name, String role, FatalErrors fatal, ServerSocket server, ClientSlots slots, Connections connections,
        Failures failures) {
        super(name, fatal, 2 * MAX_BACKOFF_MILLIS);
        this.role = role;
        this.server = server;
        this.slots = slots;
        this.connections = connections;
        this.failures = failures;
    }

    /** Connections on a thread each, named by the handler, running it; its slot is released when it ends. */
    public static Connections threadPerConnection(String role, Handler handler) {
        return (socket, release) -> {
            final Thread t = new Thread(() -> {
                try (socket) {
                    handler.serve(socket);
                } catch (Exception e) {
                    LOG.debug("{}: connection {}: {}", role, socket.getRemoteSocketAddress(), e.toString());
                } finally {
                    release.run();
                }
            }, handler.threadName(socket));
            t.setDaemon(true);
            t.start();
        };
    }

    /** Failed accepts and connections that could not start, since start (each followed by a backoff). */
    public long acceptErrors() {
        return errors.get();
    }

    /** Closing the listening socket makes a blocked {@code accept} return. */
    @Override
    protected void wake() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    protected void run() {
        long backoff = 0;
        long failedSince = 0;
        while (!closing() && !server.isClosed()) {
            final Socket socket;
            try {
                socket = server.accept();
            } catch (IOException | RuntimeException e) {
                if (closing() || server.isClosed()) {
                    return;
                }
                backoff = backoff == 0 ? MIN_BACKOFF_MILLIS : Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                failedSince = failedSince == 0 ? System.currentTimeMillis() : failedSince;
                failed(e, "accept failed (retrying with backoff up to " + MAX_BACKOFF_MILLIS + " ms; further failures are counted)");
                sleep(backoff);
                continue;
            }
            if (failedSince != 0) {
                final long now = System.currentTimeMillis();
                if (now - lastRecoveryLog > 60_000) {
                    LOG.info("{}: accepting again after {} ms of failures ({} failed accepts since start)", role, now - failedSince,
                        errors.get());
                    lastRecoveryLog = now;
                }
                failedSince = 0;
                backoff = 0;
            }
            start(socket);
        }
    }

    private void start(Socket socket) {
        if (!slots.tryAcquire()) {
            try (socket) {
                final OutputStream out = socket.getOutputStream();
                out.write(FULL);
                out.flush();
            } catch (IOException ignored) {
                // it is being turned away anyway
            }
            return;
        }
        try {
            connections.start(socket, slots::release);
        } catch (OutOfMemoryError | RuntimeException e) { // "unable to create native thread": a resource limit like EMFILE
            slots.release();
            try {
                socket.close();
            } catch (IOException ignored) {
                // giving up on it
            }
            if (!closing()) {
                failed(e, "cannot start a connection thread (connection closed; further failures are counted)");
                sleep(MIN_BACKOFF_MILLIS);
            }
        }
    }

    private void failed(Throwable e, String what) {
        errors.incrementAndGet();
        try {
            failures.failed(what, e);
        } catch (RuntimeException policy) {
            LOG.warn("{}: the error policy failed on: {}", role, what, policy);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
