package io.redisreplica.server.impl;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Accepts replica connections, each within the client slots ({@code maxclients}: past it a
 * connection is answered {@code -ERR max number of clients reached}, as Redis does, and closed)
 * and on a session thread of its own. A failing {@code accept} (EMFILE: out of file descriptors)
 * backs off from 10 ms doubling to 1 s instead of spinning, each failure reported as handled;
 * the loop resumes by itself when descriptors free up. {@link #close()} closes the listening
 * socket and joins the loop.
 */
public final class AcceptLoop extends Agent {
    static final long MIN_BACKOFF_MILLIS = 10;
    static final long MAX_BACKOFF_MILLIS = 1000;
    private static final byte[] FULL = "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final Sessions sessions;

    public AcceptLoop(ServerSocket server, Sessions sessions) {
        super("replication-server-" + server.getLocalPort(), sessions.errors(), 2 * MAX_BACKOFF_MILLIS);
        this.server = server;
        this.sessions = sessions;
    }

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
        while (!closing() && !server.isClosed()) {
            final Socket socket;
            try {
                socket = server.accept();
            } catch (IOException | RuntimeException e) {
                if (closing() || server.isClosed()) {
                    return;
                }
                backoff = backoff == 0 ? MIN_BACKOFF_MILLIS : Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                errors().handled(name() + " accept (retried after a backoff)", e);
                sleep(backoff);
                continue;
            }
            backoff = 0;
            start(socket);
        }
    }

    private void start(Socket socket) {
        if (!sessions.tryAcquire()) {
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
            sessions.start(socket);
        } catch (RuntimeException | OutOfMemoryError e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // giving up on it
            }
            if (!closing()) {
                errors().handled(name() + " cannot start a session (connection closed)", e);
                sleep(MIN_BACKOFF_MILLIS);
            }
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
