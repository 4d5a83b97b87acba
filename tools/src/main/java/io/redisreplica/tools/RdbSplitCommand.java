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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.core.JsonGenerator;

@Command(name = "split", mixinStandardHelpOptions = true,
    header = "Split an RDB file into one RDB per shard of a router config's shard map, in one pass.",
    description = {"Split an RDB file into one RDB per shard, by the same shard map the router uses.",
        "Writes DIR/<shard>.rdb for every shard of the config; each loads in redis-server as is. The files are written under",
        "temp names and renamed at the end, so a corrupt input leaves none behind; the master's repl-id and repl-offset AUX",
        "fields are left out. Existing shard files are kept unless --force."})
final class RdbSplitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The RDB file to split.")
    Path file;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "CONFIG", description = "Router config with the shard map.")
    Path config;

    @Option(names = {"-o", "--out"}, defaultValue = ".", paramLabel = "DIR", description = "Where the shard RDBs go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--force", description = "Replace shard files that already exist in DIR.")
    boolean force;

    @Mixin
    QuietOption quiet;

    @Mixin
    JsonResultOption json;

    @Override
    public Integer call() throws Exception {
        final RouterConfig routerConfig = ConfigParser.load(config);
        final ShardMap map = routerConfig.shardMap();
        final java.util.List<Path> existing = ShardFiles.existing(out, map);
        if (!force && !existing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "shard files exist: " + existing + " (--force replaces them)");
        }
        final PrintWriter err = spec.commandLine().getErr();
        final Progress progress = new Progress(err, "split " + file.getFileName(), Files.size(file));
        final long start = System.nanoTime();
        final SplitResult result = ShardFiles.split(file, out, routerConfig, quiet.on() ? null : progress::update);
        final double seconds = (System.nanoTime() - start) / 1e9;
        final PrintWriter o = spec.commandLine().getOut();
        if (json.on()) {
            try (JsonOut j = new JsonOut(o)) {
                final JsonGenerator g = j.json();
                g.writeStartObject();
                g.writeStringProperty("file", file.toString());
                g.writeNumberProperty("version", result.header().version());
                g.writeNumberProperty("keys", result.totalKeys());
                g.writeNumberProperty("dropped", result.keysDropped());
                g.writeNumberProperty("seconds", Math.round(seconds * 1000) / 1000.0);
                g.writeName("shards");
                g.writeStartArray();
                for (ShardMap.Shard shard : map.shards()) {
                    g.writeStartObject();
                    g.writeStringProperty("shard", shard.name());
                    g.writeNumberProperty("keys", result.keysPerShard()[shard.index()]);
                    g.writeNumberProperty("bytes", result.bytesPerShard()[shard.index()]);
                    g.writeStringProperty("file", ShardFiles.fileOf(out, shard).toString());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
                j.endLine();
            }
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
