package io.redisreplica.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * Replication lag probes: per replica a thread writes the time (19 digits of nanos) to a key on
 * the master, then polls the replica with GET until it shows that value, and records the time
 * taken in an HdrHistogram. Lags above {@link #SPIKE_NANOS} are also kept with their wall-clock
 * time (up to {@link #MAX_SPIKES} per probe), to line them up with a GC log or a JFR recording.
 * The probes speak RESP over plain sockets with encoded commands and allocate nothing per
 * sample: the router under test may share this JVM.
 */
final class LagProbes {
    static final long SPIKE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int MAX_SPIKES = 20_000;
    private static final int DIGITS = 19;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final List<Probe> probes = new ArrayList<>();
    private volatile boolean running = true;
    /** Off during a warm-up: the probes run, their samples are not kept. */
    private volatile boolean recording;

    /** One probe per (replica port, key on the master that the replica holds, label). */
    LagProbes(int masterPort, int[] replicaPorts, String[] keys, String[] labels) {
        for (int i = 0; i < replicaPorts.length; i++) {
            probes.add(new Probe(masterPort, replicaPorts[i], keys[i], labels[i]));
        }
    }

    void start() {
        for (Probe p : probes) {
            p.thread.start();
        }
    }

    /** From now on the samples count (after a warm-up in which the JIT compiled the router's path). */
    void record() {
        recording = true;
    }

    void stop() throws InterruptedException {
        running = false;
        for (Probe p : probes) {
            p.thread.join();
        }
    }

    Histogram histogram(int i) {
        return probes.get(i).lags;
    }

    String label(int i) {
        return probes.get(i).label;
    }

    int size() {
        return probes.size();
    }

    /** Lags above {@link #SPIKE_NANOS} recorded, up to {@link #MAX_SPIKES} per probe. */
    int spikeCount() {
        int n = 0;
        for (Probe p : probes) {
            n += p.spikeCount;
        }
        return n;
    }

    /** The {@code max} longest lags above {@link #SPIKE_NANOS}, in time order: "HH:MM:SS.mmm label lag". */
    List<String> spikes(int max) {
        final List<long[]> all = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            final Probe p = probes.get(i);
            for (int s = 0; s < p.spikeCount; s++) {
                all.add(new long[] {p.spikeMillis[s], p.spikeNanos[s], i});
            }
        }
        all.sort((a, b) -> Long.compare(b[1], a[1]));
        final List<long[]> longest = new ArrayList<>(all.subList(0, Math.min(max, all.size())));
        longest.sort((a, b) -> Long.compare(a[0], b[0]));
        final List<String> lines = new ArrayList<>();
        for (long[] s : longest) {
            lines.add(String.format("%s %s %.1f ms", TIME.format(Instant.ofEpochMilli(s[0])),
                probes.get((int) s[2]).label, s[1] / 1e6));
        }
        return lines;
    }

    private final class Probe {
        final String label;
        final Histogram lags = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final long[] spikeMillis = new long[MAX_SPIKES];
        final long[] spikeNanos = new long[MAX_SPIKES];
        volatile int spikeCount;
        final Thread thread;
        private final int masterPort;
        private final int replicaPort;
        private final byte[] set;
        private final byte[] get;
        /** Where the 19 digits of the value sit in {@link #set}. */
        private final int valueAt;
        private final byte[] expected;
        private final byte[] reply = new byte[256];

        Probe(int masterPort, int replicaPort, String key, String label) {
            this.masterPort = masterPort;
            this.replicaPort = replicaPort;
            this.label = label;
            final String k = "$" + key.length() + "\r\n" + key + "\r\n";
            final String setText = "*3\r\n$3\r\nSET\r\n" + k + "$" + DIGITS + "\r\n" + "0".repeat(DIGITS) + "\r\n";
            this.set = setText.getBytes(StandardCharsets.US_ASCII);
            this.valueAt = setText.length() - 2 - DIGITS;
            this.get = ("*2\r\n$3\r\nGET\r\n" + k).getBytes(StandardCharsets.US_ASCII);
            this.expected = new byte[1 + 2 + 2 + DIGITS + 2]; // $19\r\n<digits>\r\n
            System.arraycopy(("$" + DIGITS + "\r\n").getBytes(StandardCharsets.US_ASCII), 0, expected, 0, 5);
            expected[expected.length - 2] = '\r';
            expected[expected.length - 1] = '\n';
            this.thread = new Thread(this::run, "probe-" + label);
        }

        private void run() {
            try (Socket m = new Socket("127.0.0.1", masterPort); Socket r = new Socket("127.0.0.1", replicaPort)) {
                m.setTcpNoDelay(true);
                r.setTcpNoDelay(true);
                final OutputStream mo = m.getOutputStream();
                final InputStream mi = m.getInputStream();
                final OutputStream ro = r.getOutputStream();
                final InputStream ri = r.getInputStream();
                while (running) {
                    final long sent = System.nanoTime();
                    final long sentMillis = System.currentTimeMillis();
                    long v = sent;
                    for (int i = DIGITS - 1; i >= 0; i--, v /= 10) {
                        set[valueAt + i] = (byte) ('0' + v % 10);
                    }
                    System.arraycopy(set, valueAt, expected, 5, DIGITS);
                    mo.write(set);
                    readReply(mi);
                    while (running) {
                        ro.write(get);
                        final int n = readReply(ri);
                        if (n == expected.length && Arrays.equals(reply, 0, n, expected, 0, n)) {
                            final long lag = Math.min(System.nanoTime() - sent, TimeUnit.SECONDS.toNanos(60));
                            if (recording) {
                                lags.recordValue(lag);
                            }
                            if (recording && lag > SPIKE_NANOS && spikeCount < MAX_SPIKES) {
                                spikeMillis[spikeCount] = sentMillis;
                                spikeNanos[spikeCount] = lag;
                                spikeCount++;
                            }
                            break;
                        }
                        // polls as fast as the replica answers, but gives the core up in between: on a machine
                        // short of CPU, probes spinning on a lagging replica would take it from the router itself
                        Thread.yield();
                    }
                    Thread.sleep(2);
                }
            } catch (IOException e) {
                throw new IllegalStateException("probe " + label + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Reads one reply (a status line, a nil or a bulk string of at most 200 bytes) into {@link #reply}. */
        private int readReply(InputStream in) throws IOException {
            int n = 0;
            int need = -1;
            while (need < 0 || n < need) {
                final int got = in.read(reply, n, reply.length - n);
                if (got < 0) {
                    throw new IOException("connection closed");
                }
                n += got;
                if (need < 0) {
                    final int eol = lineEnd(n);
                    if (eol < 0) {
                        continue;
                    }
                    need = eol + 2;
                    if (reply[0] == '$' && reply[1] != '-') {
                        int len = 0;
                        for (int i = 1; i < eol; i++) {
                            len = len * 10 + reply[i] - '0';
                        }
                        need += len + 2;
                    }
                }
            }
            return n;
        }

        private int lineEnd(int n) {
            for (int i = 0; i + 1 < n; i++) {
                if (reply[i] == '\r' && reply[i + 1] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }
}
