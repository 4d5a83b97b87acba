package io.redisreplica.router.downstream;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.router.config.ClientLimits;
import io.redisreplica.router.support.Agent;
import io.redisreplica.router.support.ErrorHandler;

/**
 * The accept loop of a listener: each connection gets a thread of its own, within the port's
 * {@link ClientLimits} (past {@code maxclients} it is answered {@code -ERR max number of clients
 * reached}, as Redis does, and closed). A failing {@code accept} (EMFILE: out of file descriptors)
 * backs off from 10 ms doubling to 1 s instead of spinning; each distinct error is logged once
 * with its stack and then only counted, and the loop resumes by itself when descriptors free up
 * (logged at most once a minute). An {@link Agent}: {@link #close()} closes the listening socket
 * and joins the loop; the connections' threads are their own.
 */
public final class AcceptLoop extends Agent {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptLoop.class);
    static final long MIN_BACKOFF_MILLIS = 10;
    static final long MAX_BACKOFF_MILLIS = 1000;
    private static final byte[] FULL = "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Serves one accepted connection on its own thread; the socket is closed after it returns. */
    public interface Handler {
        String threadName(Socket socket);

        void serve(Socket socket) throws Exception;
    }

    /**
     * Takes an accepted connection within the limits and starts what serves it, which calls
     * {@code release} once when it ends (not when {@code start} throws: the loop releases then).
     */
    public interface Connections {
        void start(Socket socket, Runnable release);
    }

    private final String role;
    private final ServerSocket server;
    private final ClientLimits limits;
    private final Connections connections;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final AtomicLong errors = new AtomicLong();
    private long lastRecoveryLog;

    /** A thread per connection running {@code handler}, the loop's thread named {@code role-PORT}; fatal errors only logged. */
    public AcceptLoop(String role, ServerSocket server, ClientLimits limits, Handler handler) {
        this(role, role + "-" + server.getLocalPort(), server, limits, threadPerConnection(role, handler), ErrorHandler.recording());
    }

    public AcceptLoop(String role, String threadName, ServerSocket server, ClientLimits limits, Connections connections,
        ErrorHandler errors) {
        super(threadName, errors, 2 * MAX_BACKOFF_MILLIS);
        this.role = role;
        this.server = server;
        this.limits = limits;
        this.connections = connections;
    }

    /** A thread per connection, named by the handler, running it; the connection's slot is released when it ends. */
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

    /** Failed accepts since start (each retried after a backoff). */
    public long acceptErrors() {
        return errors.get();
    }

    ClientLimits limits() {
        return limits;
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
        if (!limits.tryAcquire()) {
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
            connections.start(socket, limits::release);
        } catch (OutOfMemoryError | RuntimeException e) { // "unable to create native thread": a resource limit like EMFILE
            limits.release();
            try {
                socket.close();
            } catch (IOException ignored) {
                // giving up on it
            }
            failed(e, "cannot start a connection thread (connection closed; further failures are counted)");
            sleep(MIN_BACKOFF_MILLIS);
        }
    }

    private void failed(Throwable e, String what) {
        errors.incrementAndGet();
        if (logged.size() < 64 && logged.add(e.getClass().getName() + ": " + e.getMessage())) {
            LOG.warn("{}: {}", role, what, e);
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
