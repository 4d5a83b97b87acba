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

import io.redisreplica.resp.RespClient;
import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.upstream.UpstreamLink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The original tool's README scenario, live, with real servers: a master with apple, banana and
 * cucumber; the router as its replica with shards {@code ^a.*} and {@code ^b.*}; one
 * redis-server per shard doing REPLICAOF the router; then writes on the master reach only their
 * shard.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    header = "The quick-start demo: a local master, the router and a replica per shard (--keep leaves them running).",
    description = {"Start a local redis-server master with sample data, the router (shards ^a.* and ^b.*) and one",
        "redis-server per shard replicating the router; write on the master and show what each shard receives.",
        "Needs redis-server on PATH."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--redis-server", defaultValue = "redis-server", paramLabel = "PATH", description = "The redis-server binary (default: ${DEFAULT-VALUE}).")
    String redisServer;

    @Option(names = "--keep", description = "Leave everything running until Ctrl-C, and the directory in place.")
    boolean keep;

    private final List<Process> processes = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final Path dir = Files.createTempDirectory("redis-replica-demo-");
        try {
            final int masterPort = freePort();
            startServer(dir.resolve("master"), masterPort, List.of());
            out.printf("1. master redis-server on 127.0.0.1:%d%n", masterPort);
            try (RespClient master = RedisConnections.open("127.0.0.1", masterPort)) {
                for (String[] kv : new String[][] {{"apple", "red"}, {"banana", "yellow"}, {"cucumber", "green"}}) {
                    master.call("SET", kv[0], kv[1]);
                }
                master.call("HSET", "apricot:stock", "store-1", "12", "store-2", "7");
                master.call("RPUSH", "basket", "apple", "banana");
                out.println("   holds: " + sortedKeys(master));
            }
            final int portA = freePort();
            final int portB = freePort();
            final Path config = dir.resolve("router.conf");
            Files.writeString(config, "# written by redis-replica demo\nupstream 127.0.0.1:" + masterPort + "\n"
                + "journal " + dir.resolve("journal") + "\n"
                + "shard a 127.0.0.1:" + portA + " regex=^a.*\n"
                + "shard b 127.0.0.1:" + portB + " regex=^b.*\n"
                + "unclaimed drop\n");
            out.printf("2. router config %s:%n%s", config, Files.readString(config).lines().filter(l -> l.startsWith("shard"))
                .map(l -> "     " + l + "\n").reduce("", String::concat));
            try (Router router = Router.start(ConfigParser.load(config), CrossShardPolicy.LOG)) {
                final long deadline = System.currentTimeMillis() + 20_000;
                while (router.upstream().state() != UpstreamLink.State.STREAMING && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                out.printf("   initial sync: %s, %d bytes of RDB split into per-shard snapshots%n", router.upstream().state(),
                    router.upstream().syncBytes());
                final int replicaA = freePort();
                final int replicaB = freePort();
                startServer(dir.resolve("replica-a"), replicaA, List.of("--replicaof", "127.0.0.1", Integer.toString(portA)));
                startServer(dir.resolve("replica-b"), replicaB, List.of("--replicaof", "127.0.0.1", Integer.toString(portB)));
                out.println("3. one redis-server per shard, each REPLICAOF its virtual master:");
                awaitKey(replicaA, "apple");
                awaitKey(replicaB, "banana");
                try (RespClient a = RedisConnections.open("127.0.0.1", replicaA);
                     RespClient b = RedisConnections.open("127.0.0.1", replicaB);
                     RespClient master = RedisConnections.open("127.0.0.1", masterPort)) {
                    out.printf("   shard a replica on 127.0.0.1:%d holds: %s%n", replicaA, sortedKeys(a));
                    out.printf("   shard b replica on 127.0.0.1:%d holds: %s%n", replicaB, sortedKeys(b));
                    out.println("4. live writes on the master:");
                    master.call("SET", "apple", "blue");
                    master.call("SET", "blueberry", "blue");
                    master.call("SET", "carrot", "orange");
                    awaitValue(a, "apple", "blue");
                    awaitValue(b, "blueberry", "blue");
                    out.printf("   SET apple blue     -> shard a: GET apple = %s%n", a.call("GET", "apple"));
                    out.printf("   SET blueberry blue -> shard b: GET blueberry = %s%n", b.call("GET", "blueberry"));
                    out.printf("   SET carrot orange  -> claimed by no shard: a has %s, b has %s%n", a.call("EXISTS", "carrot"),
                        b.call("EXISTS", "carrot"));
                }
                out.println("5. " + status(router));
                if (keep) {
                    out.printf("left running (directory %s); Ctrl-C to stop%n", dir);
                    out.flush();
                    final java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                    stop.await();
                }
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

    /** One status line: upstream state and offset, per shard its journal end and replicas. */
    static String status(Router router) {
        final StringBuilder sb = new StringBuilder("router: upstream ").append(router.upstream().state())
            .append(" offset ").append(router.upstream().offset())
            .append(", commands routed ").append(router.upstream().router().routed())
            .append(", unclaimed ").append(router.upstream().router().unclaimed())
            .append(", cross-shard ").append(router.upstream().router().crossShard());
        for (int i = 0; i < router.shards().size(); i++) {
            final ShardRuntime s = router.shards().get(i);
            sb.append("; shard ").append(s.name()).append(" journal end ").append(s.journal().endOffset())
                .append(", replicas ").append(router.replicas(i).size())
                .append(", full/partial resyncs ").append(s.fullResyncs()).append('/').append(s.partialResyncs());
        }
        return sb.toString();
    }

    private static void awaitKey(int port, String key) throws Exception {
        final long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            try (RespClient c = RedisConnections.open("127.0.0.1", port)) {
                if (c.call("GET", key) != null) {
                    return;
                }
            } catch (IOException notYet) {
                // still loading
            }
            Thread.sleep(50);
        }
        throw new IOException("shard replica on port " + port + " did not receive " + key + " in 20 s");
    }

    private static void awaitValue(RespClient c, String key, String value) throws Exception {
        final long deadline = System.currentTimeMillis() + 10_000;
        while (!value.equals(c.call("GET", key)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
    }

    private static String sortedKeys(RespClient c) throws IOException {
        final List<String> names = new ArrayList<>();
        for (Object k : (List<?>) c.call("KEYS", "*")) {
            names.add(String.valueOf(k));
        }
        Collections.sort(names);
        return names.toString();
    }

    private void startServer(Path dir, int port, List<String> extra) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        final List<String> cmd = new ArrayList<>(List.of(redisServer, "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0",
            "--logfile", dir.resolve("redis.log").toString()));
        cmd.addAll(extra);
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
            try (RespClient c = RedisConnections.open("127.0.0.1", port)) {
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
