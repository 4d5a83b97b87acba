package io.redisreplica.tools;

import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.redisreplica.rdb.RdbSplitter;
import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.rdb.SplitResult;
import io.redisreplica.router.RouterConfig;
import io.redisreplica.router.ShardMap;
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

    @Override
    public Integer call() throws Exception {
        final ShardMap map = RouterConfig.load(config).shardMap();
        Files.createDirectories(out);
        final List<OutputStream> streams = new ArrayList<>();
        final List<RdbWriter> writers = new ArrayList<>();
        for (ShardMap.Shard shard : map.shards()) {
            streams.add(new BufferedOutputStream(Files.newOutputStream(out.resolve(shard.name() + ".rdb")), 1 << 20));
            writers.add(new RdbWriter(streams.get(streams.size() - 1)));
        }
        final PrintWriter err = spec.commandLine().getErr();
        final Progress progress = new Progress(err, "split " + file.getFileName(), Files.size(file));
        final long start = System.nanoTime();
        final SplitResult result;
        try (InputStream in = Files.newInputStream(file)) {
            final RdbSplitter splitter = new RdbSplitter();
            if (!quiet) {
                splitter.progress(16L << 20, progress::update);
            }
            result = splitter.split(in, writers, (db, key, len) -> map.shardOf(key, 0, len));
        } finally {
            for (OutputStream s : streams) {
                s.close();
            }
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final PrintWriter o = spec.commandLine().getOut();
        o.printf("split %s (%s, %d keys) in %.2f s%n", file, result.header(), result.totalKeys(), seconds);
        for (ShardMap.Shard shard : map.shards()) {
            o.printf("  %-16s %10d keys %14d bytes -> %s%n", shard.name(), result.keysPerShard()[shard.index()],
                result.bytesPerShard()[shard.index()], out.resolve(shard.name() + ".rdb"));
        }
        if (result.keysDropped() > 0) {
            o.printf("  %-16s %10d keys (claimed by no shard)%n", "(dropped)", result.keysDropped());
        }
        return ExitCodes.OK;
    }
}
