package io.redisreplica.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.redisreplica.rdb.SplitResult;
import io.redisreplica.router.RouterConfig;
import io.redisreplica.router.ShardMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The original tool's README scenario, end to end with real servers: a master with apple, banana
 * and cucumber; a shard map {@code ^a.*} / {@code ^b.*}; the master's RDB split once; a
 * redis-server per shard loading its part.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Start a local redis-server master with sample data, split its RDB by a shard map (^a.* and ^b.*),",
        "start one redis-server per shard on its part, and show what each shard holds. Needs redis-server on PATH.",
        "The live path (router as replica + virtual masters) is not built yet; this shows the split it will do."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--redis-server", defaultValue = "redis-server", description = "The redis-server binary (default: ${DEFAULT-VALUE}).")
    String redisServer;

    @Option(names = "--keep", description = "Leave the servers running and the directory in place.")
    boolean keep;

    private final List<Process> processes = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final Path dir = Files.createTempDirectory("redis-replica-demo-");
        try {
            final int masterPort = freePort();
            startServer(dir.resolve("master"), masterPort, null);
            out.printf("master redis-server on 127.0.0.1:%d (%s)%n", masterPort, dir.resolve("master"));
            try (RedisConnection master = new RedisConnection("127.0.0.1", masterPort)) {
                for (String[] kv : new String[][] {{"apple", "red"}, {"banana", "yellow"}, {"cucumber", "green"},
                    {"avocado", "green"}, {"blueberry", "blue"}}) {
                    master.call("SET", kv[0], kv[1]);
                }
                master.call("HSET", "apricot:stock", "store-1", "12", "store-2", "7");
                master.call("RPUSH", "basket", "apple", "banana");
                master.call("SAVE");
                out.println("master holds: " + sortedKeys(master));
            }
            final Path config = dir.resolve("router.conf");
            final int portA = freePort();
            final int portB = freePort();
            Files.writeString(config, "# written by redis-replica demo\nupstream 127.0.0.1:" + masterPort + "\n"
                + "shard a 127.0.0.1:" + portA + " regex=^a.*\n"
                + "shard b 127.0.0.1:" + portB + " regex=^b.*\n"
                + "unclaimed drop\n");
            out.printf("shard map (%s):%n%s", config, Files.readString(config).lines()
                .filter(l -> l.startsWith("shard") || l.startsWith("unclaimed")).map(l -> "  " + l + "\n").reduce("", String::concat));
            final ShardMap map = RouterConfig.load(config).shardMap();
            final SplitResult result = ShardFiles.split(dir.resolve("master/dump.rdb"), dir, map, null);
            out.printf("split the master's RDB once (%s): %d keys to a, %d to b, %d claimed by no shard (dropped)%n",
                result.header(), result.keysPerShard()[0], result.keysPerShard()[1], result.keysDropped());
            for (ShardMap.Shard shard : map.shards()) {
                final Path shardDir = dir.resolve("shard-" + shard.name());
                Files.createDirectories(shardDir);
                Files.move(ShardFiles.fileOf(dir, shard), shardDir.resolve("dump.rdb"));
                startServer(shardDir, shard.port(), "dump.rdb");
                try (RedisConnection c = new RedisConnection("127.0.0.1", shard.port())) {
                    out.printf("shard %s redis-server on 127.0.0.1:%d holds: %s%n", shard.name(), shard.port(), sortedKeys(c));
                    out.printf("  GET %s -> %s%n", shard.name().equals("a") ? "apple" : "banana",
                        c.call("GET", shard.name().equals("a") ? "apple" : "banana"));
                }
            }
            if (keep) {
                out.printf("left running; directory %s%n", dir);
                processes.clear();
            }
            return ExitCodes.OK;
        } finally {
            for (Process p : processes) {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            if (!keep) {
                deleteTree(dir);
            }
        }
    }

    private static String sortedKeys(RedisConnection c) throws IOException {
        @SuppressWarnings("unchecked")
        final List<Object> keys = new ArrayList<>((List<Object>) c.call("KEYS", "*"));
        final List<String> names = new ArrayList<>();
        keys.forEach(k -> names.add(String.valueOf(k)));
        Collections.sort(names);
        return names.toString();
    }

    private void startServer(Path dir, int port, String rdb) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        final List<String> cmd = new ArrayList<>(List.of(redisServer, "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--logfile", dir.resolve("redis.log").toString()));
        if (rdb != null) {
            cmd.addAll(List.of("--dbfilename", rdb));
        }
        final Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + redisServer + " (" + e.getMessage() + "): install it, e.g. apt-get install redis-server", e);
        }
        processes.add(p);
        final long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new IOException(redisServer + " exited: see " + dir.resolve("redis.log"));
            }
            try (RedisConnection c = new RedisConnection("127.0.0.1", port)) {
                if ("PONG".equals(c.call("PING"))) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException(redisServer + " on port " + port + " did not answer in 10 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
