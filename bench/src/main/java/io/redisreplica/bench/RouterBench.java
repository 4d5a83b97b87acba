package io.redisreplica.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * In one run, with real redis-servers on this machine:
 * <ol>
 *   <li>full sync of a populated master to one replica, directly (the reference);</li>
 *   <li>full sync of the same master through the router to 4 slot shards with one replica each;</li>
 *   <li>redis-benchmark on the master (at full speed, then lightly) with the direct replica and the
 *       router's shards attached side by side, while probes measure replication lag (write on the
 *       master until the replica shows it) per shard and for the direct replica into HdrHistograms.</li>
 * </ol>
 * Usage: {@code RouterBench KEYS VALUE_SIZE BENCH_REQUESTS [RATE SECONDS [WARMUP]]}; BENCH_REQUESTS 0 stops after the
 * full syncs (what {@code bench/full-sync.sh} compares). With a RATE, step 3 is instead {@code RATE} SETs a second
 * from a {@link PacedWriter}, {@code WARMUP} seconds (default 10) unmeasured then {@code SECONDS} measured, and the
 * lag the router adds to the direct replica's
 * (what {@code bench/lag.sh} runs for issue 18).
 *
 * <p>The router's full sync is timed three ways, each against the direct one taken the same way: <i>from start</i>,
 * from before {@code Router.start} (a cold JVM loading Chronicle, the journals opened) to every key on the shard
 * replicas, against the direct replica's process start to in sync; <i>from up</i>, from {@code Router.start}
 * returning, what a replica of a running router waits (with the router's handshake and the start of four replica
 * processes, one after the other); <i>from the master's RDB start</i>, the fair one, by the servers' own logs: from
 * the master starting the RDB for the router (for the direct replica) to the last shard replica (the direct
 * replica) having loaded it ({@link SyncTimeline}).
 */
public final class RouterBench {
    private static final int SHARDS = 4;

    private RouterBench() {
    }

    public static void main(String[] args) throws Exception {
        final long keys = Long.parseLong(args[0]);
        final int valueSize = Integer.parseInt(args[1]);
        final long requests = Long.parseLong(args[2]);
        final long paced = args.length > 3 ? Long.parseLong(args[3]) : 0;
        final long pacedSeconds = args.length > 4 ? Long.parseLong(args[4]) : 30;
        final long warmupSeconds = args.length > 5 ? Long.parseLong(args[5]) : 10;
        try (RedisServers redis = new RedisServers()) {
            final RedisServer master = redis.start(RedisBinary.local(), Map.of("enable-debug-command", "yes"));
            final long t0 = System.nanoTime();
            master.call("DEBUG", "POPULATE", keys, "key", valueSize);
            System.out.printf("master: %d keys of %d bytes populated in %.1f s, used_memory %s%n", keys, valueSize,
                (System.nanoTime() - t0) / 1e9, info(master, "memory", "used_memory_human"));

            // 1. direct full sync
            SyncTimeline.mark("starting the direct replica");
            long start = System.nanoTime();
            final RedisServer direct = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + master.port()));
            direct.awaitReplicaInSync(600_000);
            final double directSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("direct full sync master -> replica: %.2f s (%d keys)%n", directSeconds, direct.call("DBSIZE"));
            final String[] probeKeys = probeKeys();

            // 2. full sync through the router to 4 shard replicas
            final Path journal = Files.createTempDirectory("router-bench-");
            final StringBuilder conf = new StringBuilder("upstream 127.0.0.1:" + master.port() + "\njournal " + journal + "\n");
            final String roll = System.getenv("JOURNAL_ROLL"); // e.g. five_minutely: a run that crosses journal rolls
            if (roll != null && !roll.isEmpty()) {
                conf.append("journal-roll ").append(roll).append('\n');
            }
            final int[] ports = new int[SHARDS];
            for (int i = 0; i < SHARDS; i++) {
                ports[i] = FreePort.find();
                final int from = i * ClusterSlots.SLOTS / SHARDS;
                final int to = (i + 1) * ClusterSlots.SLOTS / SHARDS - 1;
                conf.append("shard s").append(i).append(" 127.0.0.1:").append(ports[i]).append(" slots=").append(from).append('-').append(to).append('\n');
            }
            SyncTimeline.mark("calling Router.start");
            start = System.nanoTime();
            try (Router router = Router.start(ConfigParser.parse(conf.toString(), "bench"), CrossShardPolicy.LOG)) {
                // the router's own start (a cold JVM loading Chronicle, the journals opened) is a cost once per process,
                // not per full sync: the time from here is what a replica of a running router waits
                final long up = System.nanoTime();
                final long cpuAtUp = processCpuNanos();
                final long jitAtUp = compilerCpuNanos();
                SyncTimeline.mark("Router.start returned: the router is up");
                final List<RedisServer> replicas = new ArrayList<>();
                for (int port : ports) {
                    replicas.add(redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port)));
                    SyncTimeline.mark("shard replica s" + (replicas.size() - 1) + " started (answers PING)");
                }
                long loaded = 0;
                for (RedisServer r : replicas) {
                    r.awaitReplicaInSync(600_000);
                }
                while (loaded < keys) {
                    loaded = 0;
                    for (RedisServer r : replicas) {
                        loaded += (Long) r.call("DBSIZE");
                    }
                }
                final long end = System.nanoTime();
                SyncTimeline.mark("all shard replicas in sync with every key");
                final double routerSeconds = (end - start) / 1e9;
                System.out.printf("router full sync master -> router -> %d shard replicas: %.2f s (%d keys; router split %d MB of RDB)"
                    + " = %.2fx the direct sync%n", SHARDS, routerSeconds, loaded, router.upstream().syncBytes() >> 20,
                    routerSeconds / directSeconds);
                final double fromUp = (end - up) / 1e9;
                System.out.printf("router full sync from the router's start returning: %.2f s = %.2fx the direct sync (router start %.2f s)%n",
                    fromUp, fromUp / directSeconds, routerSeconds - fromUp);
                fromRdbStart(master, direct, replicas);
                // a cold JVM compiles the split while it runs, on the same 2 cores as the master's RDB and the replicas
                System.out.printf("this JVM (the router and the harness) from the router's start returning to loaded: %.2f s of CPU, "
                    + "%.2f s of it on the JIT's compiler threads%n", (processCpuNanos() - cpuAtUp) / 1e9, (compilerCpuNanos() - jitAtUp) / 1e9);
                if (requests == 0 && paced == 0) {
                    return; // the full syncs only
                }
                final int[] replicaPorts = new int[SHARDS + 1];
                for (int i = 0; i < SHARDS; i++) {
                    replicaPorts[i] = replicas.get(i).port();
                }
                replicaPorts[SHARDS] = direct.port();
                final String[] probes = java.util.Arrays.copyOf(probeKeys, SHARDS + 1);
                probes[SHARDS] = "{probe-direct}";
                if (paced > 0) {
                    // the spike hunt (issue 18): a steady rate for a set time, the added lag against the direct replica
                    paced(master, replicaPorts, probes, paced, pacedSeconds, warmupSeconds, valueSize);
                } else {
                    // 3. live writes, the direct replica and the router's shards attached side by side
                    live("full speed (-P 16 -c 20)", master, replicaPorts, probes, requests, 16, 20);
                    live("light load (-P 1 -c 4)", master, replicaPorts, probes, requests / 8, 1, 4);
                    // 4. the same light load with shard s3's replica frozen (SIGSTOP) all along: the others' lag must not move
                    replicas.get(SHARDS - 1).pause();
                    final int[] otherPorts = {replicaPorts[0], replicaPorts[1], replicaPorts[2], replicaPorts[SHARDS]};
                    final String[] otherProbes = {probeKeys[0], probeKeys[1], probeKeys[2], "{probe-direct}"};
                    live("light load, shard s3's replica frozen (~30 s)", master, otherPorts, otherProbes, requests * 9 / 20, 1, 4);
                    replicas.get(SHARDS - 1).resume();
                }
                System.out.println(router.upstream().router().routed() + " commands routed");
            }
        }
    }

    /**
     * The fair figure: from the master starting the RDB (for the direct replica, then for the router) to the
     * replica, or the last shard replica, having loaded it, by the servers' own logs; with {@code -Dbench.timeline=true}
     * also every line the servers logged from the direct sync's start on, in time order, beside the router's log.
     */
    private static void fromRdbStart(RedisServer master, RedisServer direct, List<RedisServer> replicas) {
        final List<SyncTimeline.Line> rdbs = SyncTimeline.find(master, "master", SyncTimeline.RDB_STARTED);
        final java.time.LocalDateTime directReceived = SyncTimeline.first(direct, SyncTimeline.RECEIVED);
        final java.time.LocalDateTime directLoaded = SyncTimeline.first(direct, SyncTimeline.LOADED);
        if (rdbs.size() < 2 || directReceived == null || directLoaded == null) {
            System.out.printf("full sync from the master's RDB start: not in the logs (%d RDB starts; the direct replica's end %s, load %s)%n",
                rdbs.size(), directReceived, directLoaded);
            return;
        }
        java.time.LocalDateTime shardsReceived = null;
        java.time.LocalDateTime shardsLoaded = null;
        for (int i = 0; i < replicas.size(); i++) {
            final java.time.LocalDateTime received = SyncTimeline.first(replicas.get(i), SyncTimeline.RECEIVED);
            final java.time.LocalDateTime loaded = SyncTimeline.first(replicas.get(i), SyncTimeline.LOADED);
            if (received == null || loaded == null) {
                System.out.printf("full sync from the master's RDB start: shard s%d's replica logged no end (%s) or load (%s)%n", i,
                    received, loaded);
                return;
            }
            shardsReceived = shardsReceived == null || received.isAfter(shardsReceived) ? received : shardsReceived;
            shardsLoaded = shardsLoaded == null || loaded.isAfter(shardsLoaded) ? loaded : shardsLoaded;
        }
        final java.time.LocalDateTime directStart = rdbs.get(0).at();
        final java.time.LocalDateTime routerStart = rdbs.get(rdbs.size() - 1).at();
        final double directSeconds = SyncTimeline.seconds(directStart, directLoaded);
        final double routerSeconds = SyncTimeline.seconds(routerStart, shardsLoaded);
        System.out.printf("full sync from the master's RDB start to loaded (servers' logs): direct %.2f s, router %.2f s = %.2fx"
            + " (to the transfer's end: direct %.2f s, router's last shard %.2f s; the load after it: direct %.2f s, router %.2f s)%n",
            directSeconds, routerSeconds, routerSeconds / directSeconds, SyncTimeline.seconds(directStart, directReceived),
            SyncTimeline.seconds(routerStart, shardsReceived), SyncTimeline.seconds(directReceived, directLoaded),
            SyncTimeline.seconds(shardsReceived, shardsLoaded));
        if (Boolean.getBoolean("bench.timeline")) {
            final List<List<SyncTimeline.Line>> logs = new ArrayList<>();
            logs.add(SyncTimeline.lines(master, "master"));
            logs.add(SyncTimeline.lines(direct, "direct"));
            for (int i = 0; i < replicas.size(); i++) {
                logs.add(SyncTimeline.lines(replicas.get(i), "s" + i));
            }
            SyncTimeline.merged(logs, rdbs.get(0).at().minusSeconds(2)).forEach(l -> System.err.println(l));
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of the JIT's compiler threads ({@code /proc/self/task}: they are no Java threads), 0 where there is no /proc. */
    private static long compilerCpuNanos() {
        long ticks = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith("C2 Compiler")
                        || Files.readString(task.resolve("comm")).startsWith("C1 Compiler")) {
                        // utime and stime are fields 14 and 15, counted after the ")" that ends the name
                        final String stat = Files.readString(task.resolve("stat"));
                        final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (java.io.IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    /** One probe key per shard: a hash tag whose slot falls in each quarter of the slot space. */
    private static String[] probeKeys() {
        final String[] keys = new String[SHARDS];
        int found = 0;
        for (int i = 0; found < SHARDS; i++) {
            final String key = "{probe" + i + "}";
            final byte[] b = key.getBytes(StandardCharsets.US_ASCII);
            final int shard = ClusterSlots.slot(b, 0, b.length) * SHARDS / ClusterSlots.SLOTS;
            if (keys[shard] == null) {
                keys[shard] = key;
                found++;
            }
        }
        return keys;
    }

    /** redis-benchmark on the master while probes measure write-to-replica lag per shard. */
    private static void live(String label, RedisServer master, int[] ports, String[] probes, long requests, int pipeline, int clients)
        throws Exception {
        final LagProbes lags = new LagProbes(master.port(), ports, probes, labels(probes));
        lags.start();
        lags.record(); // no warm-up here: the whole redis-benchmark run is measured
        final Process bench = new ProcessBuilder("redis-benchmark", "-p", Integer.toString(master.port()), "-t", "set",
            "-n", Long.toString(requests), "-r", "1000000", "-d", "100", "-P", Integer.toString(pipeline), "-c", Integer.toString(clients), "-q")
            .redirectErrorStream(true).start();
        final String out = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        bench.waitFor();
        Thread.sleep(1000);
        lags.stop();
        final String last = out.lines().filter(l -> l.contains("requests per second")).reduce((a, b) -> b).orElse(out.trim());
        System.out.printf("live, %s: redis-benchmark %s%n", label, last.trim().replace("\r", ""));
        for (int i = 0; i < lags.size(); i++) {
            print(lags.label(i), lags.histogram(i));
        }
    }

    /**
     * {@code rate} SETs a second for {@code seconds} from a {@link PacedWriter}, with the probes running, then each
     * replica's lag, and what the router adds: its shards' lag (all four in one histogram) minus the direct
     * replica's, percentile by percentile; and each lag over {@link LagProbes#SPIKE_NANOS} with its time.
     */
    private static void paced(RedisServer master, int[] ports, String[] probes, long rate, long seconds, long warmup, int valueSize)
        throws Exception {
        final LagProbes lags = new LagProbes(master.port(), ports, probes, labels(probes));
        final String loadBefore;
        final long t0;
        final long sent;
        try (PacedWriter writer = new PacedWriter(master.port(), rate, valueSize)) {
            writer.start();
            lags.start();
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup)); // the same load, not measured: the JIT compiles the router's path
            loadBefore = loadAverage();
            lags.record();
            t0 = System.nanoTime();
            final long sentBefore = writer.sent();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            sent = writer.sent() - sentBefore;
        }
        final double took = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(1000);
        lags.stop();
        System.out.printf("paced writes, measured after %d s of warm-up: %d SETs of %d bytes in %.1f s = %.0f writes/s (target %d); "
            + "load average %s at the start, %s at the end%n", warmup, sent, valueSize, took, sent / took, rate, loadBefore, loadAverage());
        final Histogram router = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (int i = 0; i < SHARDS; i++) {
            print(lags.label(i), lags.histogram(i));
            router.add(lags.histogram(i));
        }
        final Histogram direct = lags.histogram(SHARDS);
        print(lags.label(SHARDS), direct);
        print("router, 4 shards merged", router);
        System.out.printf("  added lag, router - direct: p50 %+.2f ms, p99 %+.2f ms, max %+.2f ms (goal: p50 <= +0.1, p99 <= +1, max <= +20)%n",
            (router.getValueAtPercentile(50) - direct.getValueAtPercentile(50)) / 1e6,
            (router.getValueAtPercentile(99) - direct.getValueAtPercentile(99)) / 1e6,
            (router.getMaxValue() - direct.getMaxValue()) / 1e6);
        final int over = lags.spikeCount();
        System.out.printf("  lags over %d ms: %d (%d per minute); the 100 longest (write time UTC, replica, lag):%n",
            LagProbes.SPIKE_NANOS / 1_000_000, over, Math.round(over * 60.0 / seconds));
        lags.spikes(100).forEach(s -> System.out.println("    " + s));
    }

    private static String[] labels(String[] probes) {
        final String[] labels = new String[probes.length];
        for (int i = 0; i < probes.length; i++) {
            labels[i] = probes[i].equals("{probe-direct}") ? "direct replica (reference)" : "router shard s" + i;
        }
        return labels;
    }

    private static void print(String label, Histogram h) {
        System.out.printf("  lag %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)%n", label, h.getValueAtPercentile(50) / 1e6,
            h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6, h.getTotalCount());
    }

    private static String loadAverage() throws java.io.IOException {
        final String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return parts[0] + " " + parts[1] + " " + parts[2];
    }

    private static String info(RedisServer server, String section, String field) {
        try (RedisClient c = server.client()) {
            for (String line : c.callString("INFO", section).split("\r\n")) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1);
                }
            }
        }
        return "?";
    }
}
