package io.redisreplica.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * What an event sink costs, in one run: redis-benchmark SET on a master replicated through the
 * router to 2 slot shards (each with a replica), without a sink and then with an xadd sink to a
 * third server; and, as the reference, redis-benchmark's own pipelined XADD into that server,
 * the rate Redis itself takes stream entries at. Reports the master's write rate in both runs and
 * how fast the sink delivered the events (one per SET: a key written twice makes two).
 */
public final class SinkBench {
    private SinkBench() {
    }

    public static void main(String[] args) throws Exception {
        final int requests = Integer.parseInt(args[0]);
        try (RedisServers redis = new RedisServers()) {
            final RedisServer target = redis.start();
            System.out.printf("reference: redis-benchmark XADD into the target: %s%n",
                benchmark(target, requests, "XADD", "ref", "*", "event", "write", "key", "key:__rand_int__", "db", "0", "command",
                    "SET", "shard", "s0", "offset", "123456"));
            target.call("DEL", "ref");
            for (boolean sink : new boolean[] {false, true}) {
                final RedisServer master = redis.start();
                final Path journal = Files.createTempDirectory("sink-bench-");
                final int[] ports = {FreePort.find(), FreePort.find()};
                final String conf = "upstream 127.0.0.1:" + master.port() + "\njournal " + journal + "\nshard s0 127.0.0.1:" + ports[0]
                    + " slots=0-8191\nshard s1 127.0.0.1:" + ports[1] + " slots=8192-16383\n"
                    + (sink ? "sink events xadd 127.0.0.1:" + target.port() + " events batch=500\n" : "");
                try (Router router = Router.start(ConfigParser.parse(conf, "bench"), CrossShardPolicy.LOG)) {
                    for (int port : ports) {
                        redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port)).awaitReplicaInSync(60_000);
                    }
                    final long start = System.nanoTime();
                    final String rate = benchmark(master, requests, "SET", "key:__rand_int__", "v");
                    final double loadSeconds = (System.nanoTime() - start) / 1e9;
                    final long keys = (Long) master.call("DBSIZE");
                    String delivered = "";
                    if (sink) {
                        long len = 0;
                        while (len < requests) { // one event per SET, keys that repeat included
                            Thread.sleep(5);
                            len = (Long) target.call("XLEN", "events");
                        }
                        final double seconds = (System.nanoTime() - start) / 1e9;
                        delivered = String.format(", the sink delivered %d events %.2f s after the load began (%.0f events/s; "
                            + "the load took %.2f s)", len, seconds, len / seconds, loadSeconds);
                    }
                    System.out.printf("%s: master redis-benchmark SET (%d distinct keys): %s%s; %d commands routed%n",
                        sink ? "with an xadd sink" : "without a sink", keys, rate, delivered, router.upstream().router().routed());
                }
            }
        }
    }

    /** Runs redis-benchmark (pipelined, 20 clients, random keys) with one command; returns its requests-per-second line. */
    static String benchmark(RedisServer server, int requests, String... command) throws IOException, InterruptedException {
        final List<String> cmd = new java.util.ArrayList<>(List.of("redis-benchmark", "-p", Integer.toString(server.port()), "-n",
            Integer.toString(requests), "-r", "100000000", "-P", "16", "-c", "20", "-q"));
        cmd.addAll(List.of(command));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        final String[] parts = out.replace('\r', '\n').trim().split("\n");
        return parts[parts.length - 1].trim();
    }
}
