package io.redisreplica.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.JournalWriter;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.testkit.RedisCluster;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.tools.ReplayEngine;

/**
 * Replay throughput, in one run: a journal of N SETs (keys of ~12 bytes, 100-byte values)
 * replayed exactly once (MULTI/EXEC batches of 500 entries with the checkpoint key) into a fresh
 * redis-server, beside redis-benchmark sending the same number of SETs from one client pipelined
 * 500 deep: the rate Redis itself takes them at over one connection. With {@code cluster} as the
 * third argument, both go to a fresh 3-master Redis Cluster instead: the replay as one transaction
 * per slot per batch with the slot's checkpoint, redis-benchmark {@code --cluster} (a client per
 * master, each pipelined as deep).
 */
public final class ReplayBench {
    private ReplayBench() {
    }

    /** A Redis's own CPU time so far (user + sys, from INFO cpu). */
    static double cpuSeconds(RedisServer server) {
        double total = 0;
        final String info;
        try (io.redisreplica.testkit.RedisClient c = server.client()) {
            info = c.callString("INFO", "cpu");
        }
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }

    /** The CPU time of every server of a target (a cluster's masters). */
    static double cpuSeconds(List<RedisServer> servers) {
        double total = 0;
        for (RedisServer s : servers) {
            total += cpuSeconds(s);
        }
        return total;
    }

    /** The keys a target holds (on a cluster, with the replay's per-slot checkpoints). */
    private static long keys(List<RedisServer> servers) {
        long total = 0;
        for (RedisServer s : servers) {
            total += (Long) s.call("DBSIZE");
        }
        return total;
    }

    private static long gcMillis() {
        long total = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            total += gc.getCollectionTime();
        }
        return total;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        final int entries = Integer.parseInt(args[0]);
        final int batch = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        final boolean cluster = args.length > 2 && args[2].equals("cluster");
        final Path dir = Files.createTempDirectory("replay-bench-");
        long bytes = 0;
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
            final JournalWriter writer = journal.shard("a").writer(0);
            final ExpandableArrayBuffer buf = new ExpandableArrayBuffer(256);
            final RespWriter w = new RespWriter();
            final String value = "v".repeat(100);
            for (int i = 0; i < entries; i++) {
                final int len = w.wrap(buf, 0).command("SET", "key:" + i, value).length();
                writer.append(i, 0, 0, buf, 0, len);
                bytes += len;
                if (i % 1000 == 999) {
                    writer.commit();
                }
            }
            writer.commit();
        }
        try (RedisServers redis = new RedisServers()) {
            final List<RedisServer> references = cluster ? RedisCluster.start(redis, 3).nodes() : List.of(redis.start());
            final long r0 = System.nanoTime();
            final List<String> benchmark = new ArrayList<>(List.of("redis-benchmark", "-p", Integer.toString(references.get(0).port()),
                "-n", Integer.toString(entries), "-c", cluster ? "3" : "1", "-P", Integer.toString(batch), "-r", "100000000", "-q"));
            if (cluster) {
                benchmark.add("--cluster");
            }
            // on a cluster redis-benchmark puts {tag} in each client's keys: a tag of a slot of the master it talks to
            benchmark.addAll(List.of("SET", cluster ? "key:{tag}:__rand_int__" : "key:__rand_int__", "v".repeat(100)));
            final Process p = new ProcessBuilder(benchmark).redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace('\r', '\n').trim();
            p.waitFor();
            final double refSeconds = (System.nanoTime() - r0) / 1e9;
            System.out.printf("reference: redis-benchmark SET%s, -P " + batch + ", %d requests: %.2f s (%s); its Redis used %.2f s of CPU%n",
                cluster ? " --cluster, 3 clients (one per master)" : ", 1 client", entries, refSeconds,
                out.substring(out.lastIndexOf(": ") + 2).trim(), cpuSeconds(references));

            final List<RedisServer> targets = cluster ? RedisCluster.start(redis, 3).nodes() : List.of(redis.start());
            final RedisServer target = targets.get(0);
            try (Journal journal = Journal.open(new JournalContext().dir(dir).readOnly(true).minFreeBytes(0))) {
                final long t0 = System.nanoTime();
                final long cpu0 = processCpuNanos();
                final long jit0 = java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
                final long gc0 = gcMillis();
                final ReplayEngine.Result result = new ReplayEngine(new ReplayEngine.Options(journal, "a", null, null, null, "127.0.0.1",
                    target.port(), null, null, batch, "redis-replica:replay:a")).run(new ReplayEngine.Listener() { });
                final double seconds = (System.nanoTime() - t0) / 1e9;
                final double replayCpu = (processCpuNanos() - cpu0) / 1e9;
                System.out.printf("replay: %d entries (%.1f MB of RESP) exactly once in %.2f s: %.0f entries/s, %.1f MB/s = %.2fx the "
                        + "reference's time; target holds %d keys%n", result.entries(), bytes / 1e6, seconds, result.entries() / seconds,
                    bytes / 1e6 / seconds, seconds / refSeconds, keys(targets));
                System.out.printf("CPU: the target's Redis %.2f s, the replay's JVM %.2f s (of which JIT compiling %.2f s, GC %.2f s)%n",
                    cpuSeconds(targets), replayCpu, (java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime()
                        - jit0) / 1e3, (gcMillis() - gc0) / 1e3);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
