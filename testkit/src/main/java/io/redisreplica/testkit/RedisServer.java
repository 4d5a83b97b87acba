package io.redisreplica.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.SSLSocketFactory;

/**
 * One real {@code redis-server} process on a loopback port with its own temp dir.
 *
 * <p>Started by {@link RedisServers}, which stops it after the test. The process runs in the
 * foreground of its own config file ({@code redis.conf} in {@link #dir()}) and logs to
 * {@code redis.log} there; {@link #logTail(int)} shows it when something goes wrong.
 *
 * <p>Over 300 lines: one fixture of a real process (start with a config, wait, clients, replication
 * waits, stop and kill) that every integration test uses; splitting it would split what a test
 * reads as one thing.
 */
public final class RedisServer implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 15_000;

    private final RedisBinary binary;
    private final Path dir;
    private final int port;
    private final Map<String, String> config;
    /** Runs as a Sentinel ({@code redis-server FILE --sentinel}); it rewrites its config file as it learns. */
    private boolean sentinel;
    /** Listens on its TLS port only ({@code port 0}): its clients connect with this; null for a plain port. */
    private SSLSocketFactory tlsOnly;
    private Process process;

    RedisServer(RedisBinary binary, Path dir, int port, Map<String, String> extraConfig) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.config = new LinkedHashMap<>();
        config.put("port", Integer.toString(port));
        config.put("bind", "127.0.0.1");
        config.put("dir", dir.toString());
        config.put("dbfilename", "dump.rdb");
        config.put("logfile", dir.resolve("redis.log").toString());
        config.put("daemonize", "no");
        config.put("save", "\"\"");
        config.put("appendonly", "no");
        // diskless-sync settings exist from 2.8.18 on; a delay of 0 starts a full sync at once
        config.put("repl-diskless-sync-delay", "0");
        if (binary.atLeast(3, 2)) {
            config.put("protected-mode", "no");
        }
        config.putAll(extraConfig);
    }

    /** Makes the process a Sentinel (before {@link #start()}). */
    RedisServer sentinel() {
        sentinel = true;
        return this;
    }

    /**
     * Makes it listen with TLS only (before {@link #start()}): {@code port 0}, and its port is its
     * {@code tls-port} ({@link #port()} and {@link #tlsPort()} are the same), which {@link #client()}
     * reaches with {@code tls}.
     */
    RedisServer tlsOnly(SSLSocketFactory tls) {
        tlsOnly = tls;
        config.put("port", "0");
        config.put("tls-port", Integer.toString(port));
        return this;
    }

    void start() {
        try {
            final StringBuilder conf = new StringBuilder();
            config.forEach((k, v) -> conf.append(k).append(' ').append(v).append('\n'));
            final Path confFile = dir.resolve("redis.conf");
            Files.writeString(confFile, conf, StandardCharsets.UTF_8);
            final List<String> command = new ArrayList<>(List.of(binary.executable().toString(), confFile.toString()));
            if (sentinel) {
                command.add("--sentinel");
            }
            process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        awaitPing();
    }

    private void awaitPing() {
        final long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        RuntimeException last = null;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(binary + " on port " + port + " exited with " + process.exitValue()
                    + "\n" + logTail(30));
            }
            try (RedisClient client = client()) {
                final Object pong = client.call("PING");
                if (pong instanceof byte[] b && new String(b, StandardCharsets.UTF_8).equals("PONG")) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e; // not listening yet, or LOADING
            }
            Await.pause(20);
        }
        stop();
        throw new IllegalStateException(binary + " on port " + port + " did not answer PING in "
            + START_TIMEOUT_MS + " ms: " + last + "\n" + logTail(30), last);
    }

    public int port() {
        return port;
    }

    /** The TLS port ({@link RedisServers#startTls}), or -1 when the server has none. */
    public int tlsPort() {
        final String tls = config.get("tls-port");
        return tls == null ? -1 : Integer.parseInt(tls);
    }

    public String host() {
        return "127.0.0.1";
    }

    public Path dir() {
        return dir;
    }

    public RedisBinary binary() {
        return binary;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** A new connection (over TLS to a server that listens with TLS only); close it when done. */
    public RedisClient client() {
        return new RedisClient(host(), port, tlsOnly);
    }

    /** Sends one command on a fresh connection. */
    public Object call(Object... args) {
        try (RedisClient client = client()) {
            return client.call(args);
        }
    }

    /** Runs SAVE and returns the RDB file it wrote. */
    public Path save() {
        call("SAVE");
        return dir.resolve("dump.rdb");
    }

    /** Blocks until {@code INFO replication} says the link to its master is up and no sync is running. */
    public void awaitReplicaInSync(long timeoutMs) {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        String info = "";
        while (System.currentTimeMillis() < deadline) {
            try (RedisClient c = client()) {
                info = c.callString("INFO", "replication");
            }
            if (info.contains("master_link_status:up") && info.contains("master_sync_in_progress:0")) {
                return;
            }
            Await.pause(20);
        }
        throw new IllegalStateException("replica on port " + port + " not in sync after " + timeoutMs + " ms:\n"
            + info + "\n" + logTail(20));
    }

    /** The last lines of this server's log. */
    public String logTail(int lines) {
        try {
            final Path log = dir.resolve("redis.log");
            final List<String> all = new ArrayList<>();
            if (Files.exists(log)) {
                all.addAll(Files.readAllLines(log, StandardCharsets.UTF_8));
            }
            final Path stdout = dir.resolve("stdout.log");
            if (Files.exists(stdout)) {
                all.addAll(Files.readAllLines(stdout, StandardCharsets.UTF_8));
            }
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the server (SHUTDOWN: with {@code save} it writes its RDB first, so a Redis 7 master
     * keeps its replid and offset) and starts it again on the same port and directory.
     */
    public void restart(boolean save) {
        try (RedisClient c = client()) {
            c.send("SHUTDOWN", save ? "SAVE" : "NOSAVE");
        } catch (RuntimeException closed) {
            // the connection drops as the server exits
        }
        waitFor();
        start();
    }

    /** Its {@code master_repl_offset} (INFO replication): how far its replication stream has come. */
    public long replicationOffset() {
        try (RedisClient c = client()) {
            final String info = c.callString("INFO", "replication");
            final int at = info.indexOf("master_repl_offset:") + "master_repl_offset:".length();
            return Long.parseLong(info.substring(at, info.indexOf('\r', at)));
        }
    }

    /**
     * As a master whose writes have stopped: blocks until every connected replica has
     * acknowledged (REPLCONF ACK) the replication offset this master stood at on the call. A
     * replica far behind may take long, so the deadline is on progress, not on the total: it fails
     * only when the slowest replica's offset has not moved for {@code stallMs}.
     *
     * @return how long the wait took, in milliseconds
     */
    public long awaitReplicasCaughtUp(long stallMs) {
        final long target = replicationOffset();
        final long start = System.currentTimeMillis();
        long slowest = -1;
        long movedAt = start;
        String info = "";
        while (true) {
            try (RedisClient c = client()) {
                info = c.callString("INFO", "replication");
            }
            long min = Long.MAX_VALUE;
            int replicas = 0;
            for (String line : info.split("\r\n")) {
                final int at = line.startsWith("slave") ? line.indexOf(",offset=") : -1;
                if (at >= 0) {
                    final int end = line.indexOf(',', at + 1);
                    min = Math.min(min, Long.parseLong(line.substring(at + ",offset=".length(), end < 0 ? line.length() : end)));
                    replicas++;
                }
            }
            final long now = System.currentTimeMillis();
            if (replicas > 0 && min >= target) {
                return now - start;
            }
            if (min != slowest) {
                slowest = min;
                movedAt = now;
            } else if (now - movedAt > stallMs) {
                throw new IllegalStateException("master on port " + port + ": its replicas have not reached offset " + target
                    + " and made no progress for " + stallMs + " ms:\n" + info);
            }
            Await.pause(100);
        }
    }

    /** SIGSTOP: the process stops reading its sockets until {@link #resume()}. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    /** SIGKILL, as a crash. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** Starts a server that was killed or stopped again, on its port and directory (a master back after an outage). */
    public void startAgain() {
        start();
    }

    /**
     * Starts a server that was killed again as a replica of {@code master} (what a supervisor does
     * with a failed master once Sentinel promoted another): it never answers as a master meanwhile.
     */
    public void startAgainAsReplicaOf(RedisServer master) {
        config.put(binary.atLeast(5, 0) ? "replicaof" : "slaveof", master.host() + " " + master.port());
        start();
    }

    /** SIGKILL, then the same server started again on its port and directory. */
    public void killAndRestart() {
        kill();
        start();
    }

    private void signal(String name) {
        try {
            final Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 5 s). Safe to call twice. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        signal("CONT"); // a paused server cannot act on SIGTERM
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        waitFor();
    }

    private void waitFor() {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the process and deletes its directory. */
    @Override
    public void close() {
        stop();
        deleteTree(dir);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir left behind is not worth failing a test for
        }
    }

    @Override
    public String toString() {
        return binary.version() + "@" + port;
    }
}
