package io.redisreplica.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes {@code SET key:N <value>} to a master at a steady rate (redis-benchmark has no rate
 * option, and its full speed measures the machine rather than the router): every millisecond it
 * sends, pipelined in one write, what the rate says is due since the start. The commands are
 * encoded once, so the writer allocates nothing while it runs: the router under test shares this
 * JVM, and the harness's garbage must not stand in for the router's.
 */
final class PacedWriter implements AutoCloseable {
    private static final int KEYS = 10_000;
    /** At most this many commands in one write when the writer fell behind (the machine paused it). */
    private static final int MAX_BATCH = 1_000;

    private final Socket socket;
    private final byte[] commands;
    /** Where each key's command starts in {@link #commands}, and one past the last. */
    private final int[] starts = new int[KEYS + 1];
    private final long perSecond;
    private volatile boolean running = true;
    private volatile long sent;
    private volatile long replied;
    private Thread writer;
    private Thread replies;

    PacedWriter(int port, long perSecond, int valueSize) throws IOException {
        this.perSecond = perSecond;
        this.socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        final String value = "v".repeat(valueSize);
        final StringBuilder all = new StringBuilder();
        for (int i = 0; i < KEYS; i++) {
            starts[i] = all.length();
            final String key = "key:" + i;
            all.append("*3\r\n$3\r\nSET\r\n$").append(key.length()).append("\r\n").append(key).append("\r\n$")
                .append(valueSize).append("\r\n").append(value).append("\r\n");
        }
        starts[KEYS] = all.length();
        this.commands = all.toString().getBytes(StandardCharsets.US_ASCII);
    }

    void start() {
        writer = new Thread(this::write, "paced-writer");
        replies = new Thread(this::drainReplies, "paced-writer-replies");
        replies.setDaemon(true);
        writer.start();
        replies.start();
    }

    long sent() {
        return sent;
    }

    private void write() {
        try {
            final OutputStream out = socket.getOutputStream();
            final long t0 = System.nanoTime();
            long done = 0;
            int next = 0;
            while (running) {
                final long due = (System.nanoTime() - t0) * perSecond / TimeUnit.SECONDS.toNanos(1);
                int batch = (int) Math.min(MAX_BATCH, due - done);
                while (batch > 0) {
                    final int n = Math.min(batch, KEYS - next); // a run of consecutive commands, up to the array's end
                    out.write(commands, starts[next], starts[next + n] - starts[next]);
                    next = (next + n) % KEYS;
                    batch -= n;
                    done += n;
                }
                out.flush();
                sent = done;
                LockSupport.parkNanos(1_000_000);
            }
        } catch (IOException e) {
            if (running) {
                throw new IllegalStateException("paced writer: " + e, e);
            }
        }
    }

    /** Reads the +OK replies (5 bytes each) so the master's output buffer never fills. */
    private void drainReplies() {
        final byte[] buf = new byte[64 * 1024];
        long bytes = 0;
        try (InputStream in = socket.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                bytes += n;
                replied = bytes / 5;
            }
        } catch (IOException closed) {
            // the socket closed at the end
        }
    }

    /** Stops writing and waits (up to 10 s) for the master's replies to what was sent. */
    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        if (writer != null) {
            writer.join();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (replied < sent && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        socket.close();
    }
}
