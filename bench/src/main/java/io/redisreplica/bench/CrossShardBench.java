package io.redisreplica.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * What translating cross-shard commands costs (issue 11), side by side in one run: a master with
 * a direct replica (the reference) and the router with two slot shards and a replica each. Each
 * round pipelines N pairs of {@code SET src v; RENAME src dst} (or {@code RPUSH src; LMOVE src dst}),
 * once with src and dst in one shard (a hash tag: forwarded as it is) and once in two shards
 * (translated: a DEL to the source shard, a read of the destination on the side connection and a
 * RESTORE to its shard), then a marker per shard; the time until each replica shows its marker
 * gives the rate.
 *
 * <p>Usage: {@code CrossShardBench PAIRS ROUNDS}
 */
public final class CrossShardBench {
    private CrossShardBench() {
    }

    public static void main(String[] args) throws Exception {
        final int pairs = Integer.parseInt(args[0]);
        final int rounds = Integer.parseInt(args[1]);
        try (RedisServers redis = new RedisServers()) {
            final RedisServer master = redis.start();
            final RedisServer direct = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + master.port()));
            direct.awaitReplicaInSync(60_000);
            final Path journal = Files.createTempDirectory("cross-shard-bench-");
            final int[] ports = {FreePort.find(), FreePort.find()};
            final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + journal
                + "\nshard s0 127.0.0.1:" + ports[0] + " slots=0-8191\nshard s1 127.0.0.1:" + ports[1] + " slots=8192-16383\n", "bench");
            try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
                final List<RedisServer> shards = new ArrayList<>();
                for (int port : ports) {
                    final RedisServer s = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port));
                    s.awaitReplicaInSync(60_000);
                    shards.add(s);
                }
                System.out.printf("%d pairs per round, %d rounds; seconds until the replica shows the round's marker (median)%n",
                    pairs, rounds);
                for (String kind : new String[] {"RENAME", "LMOVE"}) {
                    for (boolean cross : new boolean[] {false, true}) {
                        final List<double[]> times = new ArrayList<>();
                        for (int r = 0; r < rounds; r++) {
                            times.add(round(master, direct, shards, kind, cross, pairs, kind + cross + r));
                        }
                        report(kind + (cross ? " across shards (translated)" : " within a shard (forwarded)"), pairs, times);
                    }
                }
                System.out.printf("translated %d commands, %d keys read from the master%n", router.upstream().router().translated(),
                    router.upstream().router().translatedKeys());
            }
        }
    }

    /** {direct replica seconds, router shards seconds (the later of the two)}. */
    private static double[] round(RedisServer master, RedisServer direct, List<RedisServer> shards, String kind, boolean cross,
                                  int pairs, String mark) {
        final List<Object[]> batch = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            final String src = (cross ? "" : "{t}") + "src:" + mark + ":" + i;
            String dst = (cross ? "" : "{t}") + "dst:" + mark + ":" + i;
            if (cross) {
                for (int k = 0; shardOf(dst) == shardOf(src); k++) {
                    dst = "dst:" + mark + ":" + i + ":" + k;
                }
            }
            if (kind.equals("RENAME")) {
                batch.add(new Object[] {"SET", src, "value-" + i});
                batch.add(new Object[] {"RENAME", src, dst});
            } else {
                batch.add(new Object[] {"RPUSH", src, "e" + i});
                batch.add(new Object[] {"LMOVE", src, dst, "LEFT", "RIGHT"});
            }
        }
        final String[] markers = {markerOf(0, mark), markerOf(1, mark)};
        final long start = System.nanoTime();
        try (RedisClient c = master.client()) {
            for (int from = 0; from < batch.size(); from += 2000) {
                c.pipeline(batch.subList(from, Math.min(batch.size(), from + 2000)));
            }
            c.call("SET", markers[0], "1");
            c.call("SET", markers[1], "1");
        }
        double directAt = -1;
        double shardsAt = -1;
        boolean s0 = false;
        boolean s1 = false;
        try (RedisClient d = direct.client(); RedisClient a = shards.get(0).client(); RedisClient b = shards.get(1).client()) {
            while (directAt < 0 || shardsAt < 0) {
                final double now = (System.nanoTime() - start) / 1e9;
                if (directAt < 0 && d.call("GET", markers[1]) != null) {
                    directAt = now;
                }
                s0 |= a.call("GET", markers[0]) != null;
                s1 |= b.call("GET", markers[1]) != null;
                if (shardsAt < 0 && s0 && s1) {
                    shardsAt = now;
                }
                if (now > 300) {
                    throw new IllegalStateException("no marker after 300 s");
                }
            }
        }
        return new double[] {directAt, shardsAt};
    }

    private static int shardOf(String key) {
        final byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return ClusterSlots.slot(k, 0, k.length) < 8192 ? 0 : 1;
    }

    private static String markerOf(int shard, String mark) {
        for (int i = 0; ; i++) {
            final String m = "marker:" + mark + ":" + i;
            if (shardOf(m) == shard) {
                return m;
            }
        }
    }

    private static void report(String what, int pairs, List<double[]> rounds) {
        final double[] direct = rounds.stream().mapToDouble(r -> r[0]).sorted().toArray();
        final double[] router = rounds.stream().mapToDouble(r -> r[1]).sorted().toArray();
        final double d = direct[direct.length / 2];
        final double s = router[router.length / 2];
        System.out.printf("%-40s direct replica %.2f s (%,.0f pairs/s)   router shards %.2f s (%,.0f pairs/s)   %.2fx%n", what, d,
            pairs / d, s, pairs / s, s / d);
    }
}
