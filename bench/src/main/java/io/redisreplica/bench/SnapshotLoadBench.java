package io.redisreplica.bench;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.tools.ReplayEngine;
import io.redisreplica.tools.SnapshotLoader;

/**
 * {@code replay}'s client-mode target, in one run on the same data: the snapshot load (RESTORE
 * in MULTI/EXEC batches with the progress marker) into an empty redis-server, beside
 * {@code redis-cli --pipe} of the same keys' RESTOREs (DUMP payloads read from the master
 * beforehand, so the reference pays for none of the reading) into another; then {@code --follow}
 * while a writer INCRs on the master as fast as one pipelined client goes, sampling the follower's
 * lag behind the shard's journal (bytes, and the age of the oldest entry not yet applied) every
 * 10 ms.
 */
public final class SnapshotLoadBench {
    private SnapshotLoadBench() {
    }

    public static void main(String[] args) throws Exception {
        final int keys = Integer.parseInt(args[0]);
        final int followSeconds = Integer.parseInt(args[1]);
        final int rate = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        final int batch = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        final boolean ownJvm = args.length > 4 && args[4].equals("process");
        final Path dir = Files.createTempDirectory("snapshot-load-bench-");
        try (RedisServers redis = new RedisServers()) {
            final RedisServer master = redis.start(RedisBinary.local(), java.util.Map.of("enable-debug-command", "yes"));
            try (RedisClient c = master.client()) {
                c.call("DEBUG", "POPULATE", keys, "key", 100);
            }
            final Path journal = dir.resolve("journal");
            try (Router router = Router.start(ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + journal
                + "\nshard a 127.0.0.1:" + FreePort.find() + " slots=0-16383\n", "bench"), CrossShardPolicy.LOG)) {
                final ShardRuntime shard = router.shards().get(0);
                Await.until("the shard's snapshot", () -> shard.snapshotOffset() >= 0, 600_000);
                final Path rdb = journal.resolve("snapshots").resolve("a.rdb");
                System.out.printf(Locale.ROOT, "data: %d keys (DEBUG POPULATE, 100-byte values), snapshot %.1f MB%n", keys,
                    Files.size(rdb) / 1e6);

                final Path restores = restoreFile(master, dir.resolve("restores.resp"));
                final RedisServer pipeTarget = redis.start();
                final long p0 = System.nanoTime();
                final Process pipe = new ProcessBuilder("redis-cli", "-p", Integer.toString(pipeTarget.port()), "--pipe")
                    .redirectInput(restores.toFile()).redirectErrorStream(true).start();
                final String pipeOut = new String(pipe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                pipe.waitFor();
                final double pipeSeconds = (System.nanoTime() - p0) / 1e9;
                System.out.printf(Locale.ROOT, "reference: redis-cli --pipe of %d RESTOREs (%.1f MB): %.2f s, %.0f keys/s; target holds "
                    + "%s keys (%s); its Redis used %.2f s of CPU%n", keys, Files.size(restores) / 1e6, pipeSeconds, keys / pipeSeconds,
                    pipeTarget.call("DBSIZE"), pipeOut.substring(pipeOut.lastIndexOf('\n') + 1), ReplayBench.cpuSeconds(pipeTarget));

                final RedisServer target = redis.start();
                if (ownJvm) {
                    followInItsOwnJvm(journal, target, master, shard, batch, followSeconds, rate, pipeSeconds);
                    return;
                }
                try (Journal j = Journal.open(new JournalContext().dir(journal).readOnly(true).minFreeBytes(0))) {
                    final AtomicLong applied = new AtomicLong(-1);
                    final AtomicLong loadNanos = new AtomicLong();
                    final long l0 = System.nanoTime();
                    final ReplayEngine engine = new ReplayEngine(new ReplayEngine.Options(j, "a", null, null, null, "127.0.0.1",
                        target.port(), null, null, batch, "redis-replica:replay:a", new ReplayEngine.Snapshot(rdb, SnapshotLoader.Existing.FAIL),
                        new ReplayEngine.Follow(ReplayEngine.NewSnapshot.STOP,
                            () -> Journal.open(new JournalContext().dir(journal).readOnly(true).minFreeBytes(0)))));
                    final Thread follow = new Thread(() -> {
                        try {
                            engine.run(new ReplayEngine.Listener() {
                                @Override
                                public void snapshotLoaded(SnapshotLoader.Result r) {
                                    loadNanos.set(System.nanoTime() - l0);
                                }

                                @Override
                                public void applied(long offset) {
                                    applied.set(offset);
                                }
                            });
                        } catch (Exception e) {
                            e.printStackTrace();
                        }
                    }, "follow");
                    follow.start();
                    Await.until("the snapshot loaded", () -> loadNanos.get() > 0, 600_000);
                    final double loadSeconds = loadNanos.get() / 1e9;
                    System.out.printf(Locale.ROOT, "replay snapshot load (MULTI/EXEC batches of %d keys): %d keys in %.2f s, %.0f keys/s = "
                        + "%.2fx the reference's time; its Redis used %.2f s of CPU%n", batch, keys, loadSeconds, keys / loadSeconds,
                        loadSeconds / pipeSeconds, ReplayBench.cpuSeconds(target));
                    // the lag is sampled once the follower has applied what the journal held after the load (its first round)
                    Await.until("the follower's first round", () -> applied.get() >= 0, 600_000);
                    followLag(master, shard, applied, followSeconds, rate);
                    follow.interrupt();
                    follow.join();
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /**
     * The follower as an operator runs it: {@code redis-replica replay DIR --follow} in a JVM of its
     * own (-Xmx256m), not in this one beside the router, whose collections would be its pauses too.
     * What it has applied is read from its checkpoint key on the target ({@code OFFSET ...}), every 10 ms.
     */
    private static void followInItsOwnJvm(Path journal, RedisServer target, RedisServer master, ShardRuntime shard, int batch,
                                          int followSeconds, int rate, double pipeSeconds) throws Exception {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> !a.startsWith("-Xmx") && !a.startsWith("-Dlogback") && !a.startsWith("-XX:StartFlightRecording"))
            .forEach(command::add);
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.redisreplica.tools.Main", "replay",
            journal.toString(), "-s", "a", "-t", "127.0.0.1:" + target.port(), "--batch", Integer.toString(batch), "--follow", "--quiet"));
        final long l0 = System.nanoTime();
        final Process follower = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (RedisClient t = target.client()) {
            final AtomicLong applied = new AtomicLong(-1);
            final java.util.function.LongSupplier read = () -> {
                final Object v = t.call("GET", "redis-replica:replay:a");
                return v == null ? -1 : Long.parseLong(new String((byte[]) v, StandardCharsets.US_ASCII).split(" ")[0]);
            };
            Await.until("the follower's snapshot load", () -> read.getAsLong() >= shard.snapshotOffset(), 600_000);
            final double loadSeconds = (System.nanoTime() - l0) / 1e9;
            System.out.printf(Locale.ROOT, "replay snapshot load in its own JVM (MULTI/EXEC batches of %d keys, its JVM's start included): "
                + "%.2f s = %.2fx the reference's time; its Redis used %.2f s of CPU%n", batch, loadSeconds, loadSeconds / pipeSeconds,
                ReplayBench.cpuSeconds(target));
            final Thread poll = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    applied.set(read.getAsLong());
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            }, "checkpoint-poll");
            poll.setDaemon(true);
            poll.start();
            followLag(master, shard, applied, followSeconds, rate);
            poll.interrupt();
            poll.join();
        } finally {
            follower.destroy();
            follower.waitFor();
        }
    }

    /** Every key of the master as {@code RESTORE key 0 payload}, in RESP, the way {@code redis-cli --pipe} takes it. */
    private static Path restoreFile(RedisServer master, Path file) throws Exception {
        try (RedisClient c = master.client(); OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            String cursor = "0";
            do {
                final List<?> page = (List<?>) c.call("SCAN", cursor, "COUNT", 1000);
                cursor = new String((byte[]) page.get(0), StandardCharsets.US_ASCII);
                final List<?> pageKeys = (List<?>) page.get(1);
                final List<Object[]> dumps = new ArrayList<>();
                pageKeys.forEach(k -> dumps.add(new Object[] {"DUMP", k}));
                final List<Object> payloads = c.pipeline(dumps);
                for (int i = 0; i < pageKeys.size(); i++) {
                    final byte[] key = (byte[]) pageKeys.get(i);
                    final byte[] payload = (byte[]) payloads.get(i);
                    out.write(("*4\r\n$7\r\nRESTORE\r\n$" + key.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(key);
                    out.write(("\r\n$1\r\n0\r\n$" + payload.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(payload);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } while (!cursor.equals("0"));
        }
        return file;
    }

    /**
     * One pipelined writer of INCRs (100 a round trip) on the master for {@code seconds}, at
     * {@code rate} a second (0: as fast as it goes); the follower's lag sampled every 10 ms.
     */
    private static void followLag(RedisServer master, ShardRuntime shard, AtomicLong applied, int seconds, int rate) throws Exception {
        final long[] writes = new long[1];
        final long until = System.currentTimeMillis() + seconds * 1000L;
        final Thread writer = new Thread(() -> {
            try (RedisClient c = master.client()) {
                final List<Object[]> batch = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    batch.add(new Object[] {"INCR", "counter:" + i});
                }
                final long start = System.nanoTime();
                while (System.currentTimeMillis() < until) {
                    c.pipeline(batch);
                    writes[0] += batch.size();
                    if (rate > 0) { // pace: the writes so far are due at writes/rate seconds after the start
                        final long due = start + writes[0] * 1_000_000_000L / rate;
                        final long wait = due - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait); // not a spin: the machine has 2 cores
                        }
                    }
                }
            }
        }, "writer");
        final List<Double> lagMillis = new ArrayList<>();
        final List<Long> lagBytes = new ArrayList<>();
        writer.start();
        while (writer.isAlive()) {
            Thread.sleep(10);
            final long a = applied.get();
            lagBytes.add(Math.max(0, shard.journal().endOffset() - a));
            lagMillis.add(shard.commits().lagMillis(a, System.nanoTime()));
        }
        writer.join();
        final long drained = System.nanoTime();
        Await.until("the follower caught up", () -> applied.get() >= shard.journal().endOffset(), 600_000);
        lagMillis.sort(null);
        lagBytes.sort(null);
        System.out.printf(Locale.ROOT, "follow: %d INCRs in %d s (%.0f/s, one pipelined client%s); lag sampled every 10 ms (%d samples): "
                + "p50 %.1f ms / %d bytes, p99 %.1f ms / %d bytes, max %.1f ms / %d bytes; caught up %.0f ms after the writes stopped%n",
            writes[0], seconds, writes[0] / (double) seconds, rate > 0 ? ", paced at " + rate + "/s" : ", unpaced", lagMillis.size(),
            pct(lagMillis, 0.5), pct(lagBytes, 0.5), pct(lagMillis, 0.99),
            pct(lagBytes, 0.99), lagMillis.get(lagMillis.size() - 1), lagBytes.get(lagBytes.size() - 1), (System.nanoTime() - drained) / 1e6);
    }

    private static <T> T pct(List<T> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
    }
}
