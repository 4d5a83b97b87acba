package io.redisreplica.tools;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.redisreplica.rdb.SplitResult;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.ShardMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "split", mixinStandardHelpOptions = true,
    description = {"Split an RDB file into one RDB per shard, by the same shard map the router uses.",
        "Writes OUT/<shard>.rdb for every shard of the config; each loads in redis-server as is."})
final class RdbSplitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The RDB file to split.")
    Path file;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Router config with the shard map.")
    Path config;

    @Option(names = {"-o", "--out"}, defaultValue = ".", paramLabel = "DIR", description = "Where the shard RDBs go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--json", description = "The result as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        final RouterConfig routerConfig = ConfigParser.load(config);
        final ShardMap map = routerConfig.shardMap();
        final PrintWriter err = spec.commandLine().getErr();
        final Progress progress = new Progress(err, "split " + file.getFileName(), Files.size(file));
        final long start = System.nanoTime();
        final SplitResult result = ShardFiles.split(file, out, routerConfig, quiet ? null : progress::update);
        final double seconds = (System.nanoTime() - start) / 1e9;
        final PrintWriter o = spec.commandLine().getOut();
        if (json) {
            final StringBuilder sb = new StringBuilder("{\"file\":").append(Json.string(file.toString()))
                .append(",\"version\":").append(result.header().version()).append(",\"keys\":").append(result.totalKeys())
                .append(",\"dropped\":").append(result.keysDropped()).append(",\"seconds\":").append(String.format(java.util.Locale.ROOT, "%.3f", seconds))
                .append(",\"shards\":[");
            for (ShardMap.Shard shard : map.shards()) {
                sb.append(shard.index() == 0 ? "" : ",").append("{\"shard\":").append(Json.string(shard.name()))
                    .append(",\"keys\":").append(result.keysPerShard()[shard.index()])
                    .append(",\"bytes\":").append(result.bytesPerShard()[shard.index()])
                    .append(",\"file\":").append(Json.string(ShardFiles.fileOf(out, shard).toString())).append('}');
            }
            o.println(sb.append("]}"));
            return ExitCodes.OK;
        }
        o.printf("split %s (%s, %d keys) in %.2f s%n", file, result.header(), result.totalKeys(), seconds);
        for (ShardMap.Shard shard : map.shards()) {
            o.printf("  %-16s %10d keys %14d bytes -> %s%n", shard.name(), result.keysPerShard()[shard.index()],
                result.bytesPerShard()[shard.index()], ShardFiles.fileOf(out, shard));
        }
        if (result.keysDropped() > 0) {
            o.printf("  %-16s %10d keys (claimed by no shard)%n", "(dropped)", result.keysDropped());
        }
        return ExitCodes.OK;
    }
}
