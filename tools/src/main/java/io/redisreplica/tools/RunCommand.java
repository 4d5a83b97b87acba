package io.redisreplica.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.redisreplica.router.CrossShardPolicy;
import io.redisreplica.router.Router;
import io.redisreplica.router.RouterConfig;
import io.redisreplica.router.ShardRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the router: replicate the configured master, split it by the shard map, and serve each shard",
        "as a virtual master (point a redis-server at it with REPLICAOF HOST PORT). Stops on SIGTERM/Ctrl-C."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The router config (see README).")
    Path config;

    @Option(names = "--cross-shard", defaultValue = "TRANSLATE", paramLabel = "POLICY",
        description = "Commands whose keys are in different shards: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: each "
            + "shard gets its part of the master's result; LOG counts and drops them, STOP halts the link).")
    CrossShardPolicy crossShard;

    @Option(names = "--status-every", defaultValue = "10", paramLabel = "SECONDS", description = "Print a status line this often (0: never).")
    int statusEvery;

    @Override
    public Integer call() throws Exception {
        final RouterConfig cfg = RouterConfig.load(config);
        final PrintWriter out = spec.commandLine().getOut();
        final CountDownLatch stop = new CountDownLatch(1);
        try (Router router = Router.start(cfg, crossShard)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            out.printf("router: replicating %s:%d into %d shards, journal %s%n", cfg.upstreamHost(), cfg.upstreamPort(),
                router.shards().size(), cfg.journalDir());
            for (ShardRuntime s : router.shards()) {
                out.printf("  shard %s: virtual master on %s:%d (%s)%n", s.name(), s.shard().host(), s.shard().port(),
                    s.shard().matcher().describe());
            }
            out.flush();
            while (!stop.await(statusEvery <= 0 ? 3600 : statusEvery, java.util.concurrent.TimeUnit.SECONDS)) {
                if (statusEvery > 0) {
                    out.println(DemoCommand.status(router));
                    out.flush();
                }
            }
        }
        return ExitCodes.OK;
    }
}
