package io.redisreplica.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Big commands (issue 11, points 5 and 6), side by side in one run: a master with a direct
 * replica (the reference) and the router with one shard and its replica. Each round writes one
 * big SET (or one big MULTI/EXEC of 1 KB SETs) and then a marker; the time from sending the big
 * command until each replica shows the marker gives its throughput. Both replicas are attached
 * all along, so both see the same master at the same time.
 *
 * <p>Usage: {@code BigCommandsBench SET_MB TX_MB ROUNDS}
 */
public final class BigCommandsBench {
    private static final int MB = 1_000_000;

    private BigCommandsBench() {
    }

    public static void main(String[] args) throws Exception {
        final int setMb = Integer.parseInt(args[0]);
        final int txMb = Integer.parseInt(args[1]);
        final int rounds = Integer.parseInt(args[2]);
        try (RedisServers redis = new RedisServers()) {
            final RedisServer master = redis.start();
            final RedisServer direct = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + master.port()));
            direct.awaitReplicaInSync(60_000);
            final Path journal = Files.createTempDirectory("big-commands-bench-");
            final int port = FreePort.find();
            final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + journal
                + "\nshard all 127.0.0.1:" + port + " regex=.\n", "bench");
            try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
                final RedisServer shard = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port));
                shard.awaitReplicaInSync(60_000);
                final byte[] value = new byte[setMb * MB];
                new Random(1).nextBytes(value);
                final long heapBefore = heapAfterGc();
                final List<double[]> sets = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    final int round = i;
                    sets.add(measure(master, direct, shard, "set-" + i, c -> c.call("SET", "big:" + round, value)));
                }
                report("SET of " + setMb + " MB", setMb, sets);
                final byte[] kb = Arrays.copyOf(value, 1000);
                final int keys = txMb * 1000;
                final List<double[]> txs = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    final int round = i;
                    txs.add(measure(master, direct, shard, "tx-" + i, c -> {
                        final List<Object[]> tx = new ArrayList<>(keys + 2);
                        tx.add(new Object[] {"MULTI"});
                        for (int k = 0; k < keys; k++) {
                            tx.add(new Object[] {"SET", "tx:" + round + ":" + k, kb});
                        }
                        tx.add(new Object[] {"EXEC"});
                        c.pipeline(tx);
                    }));
                }
                report("MULTI/EXEC of " + keys + " SETs of 1 KB (" + txMb + " MB)", txMb, txs);
                System.out.printf("heap after the rounds, after a GC: %+d MB against before them (the router keeps no big buffer); "
                    + "peak heap used in the run: %d MB (with the bench's own 100 MB value and the replica clients)%n",
                    (heapAfterGc() - heapBefore) >> 20, peakHeap() >> 20);
                if (System.getenv("HOLD_FOR_HISTOGRAM") != null) {
                    System.out.println("pid " + ProcessHandle.current().pid() + " waiting");
                    Thread.sleep(Long.parseLong(System.getenv("HOLD_FOR_HISTOGRAM")));
                }
                System.out.printf("router: upstream read buffer grew %d times (and shrank back after each command); shard journal: "
                    + "%d documents, %d MB%n", router.upstream().bufferGrowths(), router.shards().get(0).journal().entryCount(),
                    router.shards().get(0).journal().endOffset() / MB);
            }
        }
    }

    private static long heapAfterGc() {
        System.gc();
        final Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long peakHeap() {
        long peak = 0;
        for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    interface Write {
        void to(RedisClient master);
    }

    /** {seconds until the direct replica shows the marker, seconds until the shard replica does}. */
    private static double[] measure(RedisServer master, RedisServer direct, RedisServer shard, String mark, Write write) throws Exception {
        final double[] seconds = new double[2];
        final long start = System.nanoTime();
        final Thread[] watchers = new Thread[2];
        final RedisServer[] replicas = {direct, shard};
        for (int i = 0; i < 2; i++) {
            final int n = i;
            watchers[i] = new Thread(() -> {
                try (RedisClient c = replicas[n].client()) {
                    while (!mark.equals(c.callString("GET", "mark"))) {
                        LockSupport.parkNanos(200_000);
                    }
                }
                seconds[n] = (System.nanoTime() - start) / 1e9;
            }, "watch-" + i);
        }
        try (RedisClient c = master.client()) {
            watchers[0].start();
            watchers[1].start();
            write.to(c);
            c.call("SET", "mark", mark);
        }
        watchers[0].join();
        watchers[1].join();
        return seconds;
    }

    private static void report(String what, int mb, List<double[]> rounds) {
        final double[] direct = rounds.stream().mapToDouble(r -> r[0]).sorted().toArray();
        final double[] routed = rounds.stream().mapToDouble(r -> r[1]).sorted().toArray();
        final double d = direct[direct.length / 2];
        final double r = routed[routed.length / 2];
        System.out.printf("%s, median of %d: direct replica %.2f s (%.0f MB/s), through the router %.2f s (%.0f MB/s) = %.2fx the direct time%n",
            what, rounds.size(), d, mb / d, r, mb / r, r / d);
        for (double[] x : rounds) {
            System.out.printf("  round: direct %.3f s, router %.3f s%n", x[0], x[1]);
        }
    }
}
