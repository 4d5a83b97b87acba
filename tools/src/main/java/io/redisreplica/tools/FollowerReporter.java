package io.redisreplica.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Objects;

import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespError;
import io.redisreplica.router.tls.SocketFactory;

/**
 * Tells the router, on its admin port, where a {@code replay --follow}'s target is: once a
 * second {@code FOLLOWER REPORT SHARD NAME OFFSET}, so that retention keeps the journal from
 * there and {@code status}/INFO/metrics show the follower's lag. On a thread of its own
 * ({@code follower-report}), reading the offset the replay publishes: a slow or absent router
 * never slows the replay. A failure (the router restarting, a refused report) is printed once
 * per distinct message and retried at the next second with a new connection.
 */
final class FollowerReporter implements AutoCloseable {
    static final long PERIOD_MS = 1_000;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final SocketFactory sockets;
    private final String shard;
    private final String name;
    private final PrintWriter err;
    private final Thread thread;
    private volatile long applied = -1;
    private volatile boolean closed;
    private RespClient admin;
    private String lastProblem;

    FollowerReporter(String host, int port, String user, String password, SocketFactory sockets, String shard, String name,
                     PrintWriter err) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.sockets = sockets;
        this.shard = shard;
        this.name = name;
        this.err = err;
        this.thread = new Thread(this::loop, "follower-report");
        this.thread.setDaemon(true);
    }

    FollowerReporter start() {
        thread.start();
        return this;
    }

    /** The shard offset the target has applied (the replay's thread). */
    void applied(long offset) {
        applied = offset;
    }

    private void loop() {
        while (!closed) {
            final long offset = applied;
            if (offset >= 0) {
                report(offset);
            }
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void report(long offset) {
        try {
            if (admin == null) {
                admin = RedisConnections.open(host, port, user, password, "the router's admin port", false, sockets);
            }
            final Object reply = admin.request("FOLLOWER", "REPORT", shard, name, Long.toString(offset));
            problem(reply instanceof RespError e ? "the router refused the follower report: " + e.message() : null);
        } catch (IOException | RuntimeException e) {
            problem("cannot report to the router's admin port " + host + ":" + port + " (retried each second; the journal "
                + "is not held for this follower meanwhile): " + e.getMessage());
            closeAdmin();
        }
    }

    /** Prints a problem once, and once that it is over. */
    private void problem(String text) {
        if (Objects.equals(text, lastProblem)) {
            return;
        }
        if (text != null) {
            err.println("follower " + name + ": " + text);
        } else if (lastProblem != null) {
            err.println("follower " + name + ": reporting to the router again");
        }
        err.flush();
        lastProblem = text;
    }

    private void closeAdmin() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    /** Stops reporting (the router holds the journal for follower-hold-time after the last report). */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAdmin();
    }
}
