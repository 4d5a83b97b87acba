package io.redisreplica.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.shard.ShardMapPolicy;
import io.redisreplica.router.shard.ShardRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true,
    header = "Run the router: replicate the master, split it by the shard map, serve each shard as a virtual master.",
    description = {"Run the router: replicate the configured master, split it by the shard map, and serve each shard",
        "as a virtual master (point a redis-server at it with REPLICAOF HOST PORT). Stops on SIGTERM/Ctrl-C."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "CONFIG", description = "The router config (see README).")
    Path config;

    @Option(names = "--cross-shard", defaultValue = "TRANSLATE", paramLabel = "POLICY",
        description = "Commands whose keys are in different shards: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: each "
            + "shard gets its part of the master's result; LOG counts and drops them, STOP halts the link).")
    CrossShardPolicy crossShard;

    @Option(names = "--accept-shard-map-change",
        description = {"Start even though the shard map differs from the one the journal was built with: a full sync of the",
            "master gives every shard a new snapshot (each shard's replicas resync in full). Without it such a start is refused",
            "(exit code " + ExitCodes.SHARD_MAP_CHANGED + ")."})
    boolean acceptShardMapChange;

    @Option(names = "--remove-old-shards",
        description = "Delete the journal, snapshot, sink offsets and key indexes of every journal shard the config no longer has (default: kept).")
    boolean removeOldShards;

    @Option(names = "--status-every", defaultValue = "10", paramLabel = "SECONDS",
        description = "Log a status line (logger " + StatusLine.LOGGER + ": upstream, routing, each shard's replicas and lag) this often "
            + "(0: never).")
    int statusEvery;

    /** What the process exits with once the router is closed (the shutdown hook halts with it). */
    private volatile int exitCode = ExitCodes.OK;
    /** call() is done: the JVM exits with its code, the shutdown hook only waits for a signal's stop. */
    private volatile boolean returned;

    @Override
    public Integer call() throws Exception {
        final RouterConfig cfg = ConfigParser.load(config);
        final PrintWriter out = spec.commandLine().getOut();
        final CountDownLatch stop = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        try (Router router = Router.start(cfg, crossShard, new ShardMapPolicy(acceptShardMapChange, removeOldShards))) {
            // Once it runs, no thread dies silently: an Error or a bug anywhere stops the process with one ERROR line and a
            // non-zero exit, for a supervisor to restart it; the journal is safe at any point (as after kill -9).
            Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
                try {
                    Logs.LOG.error("fatal: {} in thread {}: the router stops (exit {})", e, thread.getName(), ExitCodes.ROUTER_FAILED, e);
                } finally {
                    Runtime.getRuntime().halt(ExitCodes.ROUTER_FAILED);
                }
            });
            // SIGTERM: close in order (sessions, link, last checkpoint, journal) within a bound, then exit 0
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (returned) {
                    return; // System.exit with call()'s own code: nothing to wait for
                }
                stop.countDown();
                try {
                    if (!closed.await(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        Logs.LOG.error("router did not close within {} s: exiting anyway", SHUTDOWN_TIMEOUT_SECONDS);
                        Runtime.getRuntime().halt(ExitCodes.ROUTER_FAILED);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(exitCode);
            }, "shutdown"));
            out.printf("router: replicating %s into %d shards, journal %s%n", cfg.sentinels() == null
                ? cfg.upstreamHost() + ":" + cfg.upstreamPort()
                : "master " + cfg.sentinels().masterName() + " (as its sentinels name it: " + cfg.sentinels().sentinels() + ")",
                router.shards().size(), cfg.journalDir());
            for (ShardRuntime s : router.shards()) {
                out.printf("  shard %s: virtual master on %s:%d (%s)%s%n", s.name(), s.shard().host(), s.shard().port(),
                    s.shard().matcher().describe(), s.snapshotWait() == null ? ""
                        : ", no snapshot yet (" + s.snapshotWait() + "): its replicas wait for the full sync");
            }
            out.flush();
            long lastStatus = System.nanoTime();
            while (!stop.await(1, TimeUnit.SECONDS)) {
                final String failure = router.failure(); // a fatal error of any loop, or the upstream link's reason to end
                if (failure != null) {
                    spec.commandLine().getErr().println("error: the router stopped: " + failure);
                    exitCode = ExitCodes.ROUTER_FAILED;
                    break;
                }
                if (statusEvery > 0 && System.nanoTime() - lastStatus >= TimeUnit.SECONDS.toNanos(statusEvery)) {
                    lastStatus = System.nanoTime();
                    Logs.STATUS.info(StatusLine.of(router));
                }
            }
        } finally {
            returned = true;
            closed.countDown();
        }
        return exitCode;
    }

    private static final long SHUTDOWN_TIMEOUT_SECONDS = 30;

    /**
     * The loggers, made on the first line logged: picocli makes every command object to print the
     * root's help, and a logger made with RunCommand would start logback (its XML configuration,
     * about a quarter of the classes a {@code --help} loads) for a command that logs nothing.
     */
    private static final class Logs {
        static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunCommand.class);
        static final org.slf4j.Logger STATUS = org.slf4j.LoggerFactory.getLogger(StatusLine.LOGGER);
    }
}
