package io.redisreplica.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * Usage: {@code RouterBench KEYS VALUE_SIZE BENCH_REQUESTS}; BENCH_REQUESTS 0 stops after the full syncs
 * (what {@code bench/full-sync.sh} compares).
 */
public final class RouterBench {
    private static final int SHARDS = 4;

    private RouterBench() {
    }

    public static void main(String[] args) throws Exception {
        final long keys = Long.parseLong(args[0]);
        final int valueSize = Integer.parseInt(args[1]);
        final long requests = Long.parseLong(args[2]);
        try (RedisServers redis = new RedisServers()) {
            final RedisServer master = redis.start(RedisBinary.local(), Map.of("enable-debug-command", "yes"));
            final long t0 = System.nanoTime();
            master.call("DEBUG", "POPULATE", keys, "key", valueSize);
            System.out.printf("master: %d keys of %d bytes populated in %.1f s, used_memory %s%n", keys, valueSize,
                (System.nanoTime() - t0) / 1e9, info(master, "memory", "used_memory_human"));

            // 1. direct full sync
            long start = System.nanoTime();
            final RedisServer direct = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + master.port()));
            direct.awaitReplicaInSync(600_000);
            final double directSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("direct full sync master -> replica: %.2f s (%d keys)%n", directSeconds, direct.call("DBSIZE"));
            final String[] probeKeys = probeKeys();

            // 2. full sync through the router to 4 shard replicas
            final Path journal = Files.createTempDirectory("router-bench-");
            final StringBuilder conf = new StringBuilder("upstream 127.0.0.1:" + master.port() + "\njournal " + journal + "\n");
            final int[] ports = new int[SHARDS];
            for (int i = 0; i < SHARDS; i++) {
                ports[i] = FreePort.find();
                final int from = i * ClusterSlots.SLOTS / SHARDS;
                final int to = (i + 1) * ClusterSlots.SLOTS / SHARDS - 1;
                conf.append("shard s").append(i).append(" 127.0.0.1:").append(ports[i]).append(" slots=").append(from).append('-').append(to).append('\n');
            }
            start = System.nanoTime();
            try (Router router = Router.start(ConfigParser.parse(conf.toString(), "bench"), CrossShardPolicy.LOG)) {
                // the router's own start (a cold JVM loading Chronicle, the journals opened) is a cost once per process,
                // not per full sync: the time from here is what a replica of a running router waits
                final long up = System.nanoTime();
                final List<RedisServer> replicas = new ArrayList<>();
                for (int port : ports) {
                    replicas.add(redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port)));
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
                final double routerSeconds = (end - start) / 1e9;
                System.out.printf("router full sync master -> router -> %d shard replicas: %.2f s (%d keys; router split %d MB of RDB)"
                    + " = %.2fx the direct sync%n", SHARDS, routerSeconds, loaded, router.upstream().syncBytes() >> 20,
                    routerSeconds / directSeconds);
                final double fromUp = (end - up) / 1e9;
                System.out.printf("router full sync from the router's start returning: %.2f s = %.2fx the direct sync (router start %.2f s)%n",
                    fromUp, fromUp / directSeconds, routerSeconds - fromUp);
                if (requests == 0) {
                    return; // the full syncs only
                }
                // 3. live writes, the direct replica and the router's shards attached side by side
                final List<RedisServer> all = new ArrayList<>(replicas);
                all.add(direct);
                final String[] probes = java.util.Arrays.copyOf(probeKeys, SHARDS + 1);
                probes[SHARDS] = "{probe-direct}";
                live("full speed (-P 16 -c 20)", master, all, probes, requests, 16, 20);
                live("light load (-P 1 -c 4)", master, all, probes, requests / 8, 1, 4);
                // 4. the same light load with shard s3's replica frozen (SIGSTOP) all along: the others' lag must not move
                replicas.get(SHARDS - 1).pause();
                final List<RedisServer> others = new ArrayList<>(replicas.subList(0, SHARDS - 1));
                others.add(direct);
                final String[] otherProbes = {probeKeys[0], probeKeys[1], probeKeys[2], "{probe-direct}"};
                live("light load, shard s3's replica frozen (~30 s)", master, others, otherProbes, requests * 9 / 20, 1, 4);
                replicas.get(SHARDS - 1).resume();
                System.out.println(router.upstream().router().routed() + " commands routed");
            }
        }
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
    private static void live(String label, RedisServer master, List<RedisServer> replicas, String[] probes, long requests,
                             int pipeline, int clients) throws Exception {
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Histogram> lags = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            final Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            lags.add(h);
            final RedisServer replica = replicas.get(i);
            final String key = probes[i];
            final Thread t = new Thread(() -> probe(master, replica, key, h, running), "probe-" + i);
            t.start();
            threads.add(t);
        }
        final Process bench = new ProcessBuilder("redis-benchmark", "-p", Integer.toString(master.port()), "-t", "set",
            "-n", Long.toString(requests), "-r", "1000000", "-d", "100", "-P", Integer.toString(pipeline), "-c", Integer.toString(clients), "-q")
            .redirectErrorStream(true).start();
        final String out = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        bench.waitFor();
        Thread.sleep(1000);
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        final String last = out.lines().filter(l -> l.contains("requests per second")).reduce((a, b) -> b).orElse(out.trim());
        System.out.printf("live, %s: redis-benchmark %s%n", label, last.trim().replace("\r", ""));
        for (int i = 0; i < lags.size(); i++) {
            final Histogram h = lags.get(i);
            System.out.printf("  lag %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)%n",
                probes[i].equals("{probe-direct}") ? "direct replica (reference)" : "router shard s" + i, h.getValueAtPercentile(50) / 1e6,
                h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6, h.getTotalCount());
        }
    }

    /** Writes the time on the master, then polls the replica until it shows that value. */
    private static void probe(RedisServer master, RedisServer replica, String key, Histogram lags, AtomicBoolean running) {
        try (RedisClient m = master.client(); RedisClient r = replica.client()) {
            while (running.get()) {
                final long sent = System.nanoTime();
                final String value = Long.toString(sent);
                m.call("SET", key, value);
                while (running.get()) {
                    if (value.equals(r.callString("GET", key))) {
                        lags.recordValue(Math.min(System.nanoTime() - sent, TimeUnit.SECONDS.toNanos(60)));
                        break;
                    }
                }
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
