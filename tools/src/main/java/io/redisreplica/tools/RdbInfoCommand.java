package io.redisreplica.tools;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import io.redisreplica.rdb.RdbReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "info", mixinStandardHelpOptions = true,
    description = "What an RDB file holds: version, AUX fields, keys and value bytes per db and encoding.")
final class RdbInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The RDB file.")
    Path file;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        final RdbStats stats = new RdbStats();
        final Progress progress = new Progress(spec.commandLine().getErr(), "read " + file.getFileName(), Files.size(file));
        try (InputStream in = new CountingInputStream(Files.newInputStream(file), quiet ? n -> { } : progress::update)) {
            new RdbReader().read(in, stats);
        }
        final PrintWriter out = spec.commandLine().getOut();
        if (json) {
            final StringBuilder sb = new StringBuilder("{\"file\":").append(Json.string(file.toString()))
                .append(",\"version\":").append(stats.header().version())
                .append(",\"valkey\":").append(stats.header().valkey())
                .append(",\"keys\":").append(stats.keys())
                .append(",\"functions\":").append(stats.functions())
                .append(",\"aux\":{");
            String sep = "";
            for (Map.Entry<String, String> e : stats.aux().entrySet()) {
                sb.append(sep).append(Json.string(e.getKey())).append(':').append(Json.string(e.getValue()));
                sep = ",";
            }
            sb.append("},\"dbs\":{");
            sep = "";
            for (Map.Entry<Long, Map<String, RdbStats.Count>> db : stats.perDb().entrySet()) {
                sb.append(sep).append('"').append(db.getKey()).append("\":{");
                String sep2 = "";
                for (Map.Entry<String, RdbStats.Count> t : db.getValue().entrySet()) {
                    sb.append(sep2).append(Json.string(t.getKey())).append(":{\"keys\":").append(t.getValue().keys())
                        .append(",\"value_bytes\":").append(t.getValue().valueBytes())
                        .append(",\"with_expiry\":").append(t.getValue().withExpiry()).append('}');
                    sep2 = ",";
                }
                sb.append('}');
                sep = ",";
            }
            out.println(sb.append("}}"));
            return ExitCodes.OK;
        }
        out.printf("file: %s (%d bytes)%n", file, Files.size(file));
        out.printf("format: %s, checksum %s%n", stats.header(),
            stats.checksum() == 0 ? "not stored" : String.format("%016x (verified)", stats.checksum()));
        stats.aux().forEach((k, v) -> out.printf("aux %s: %s%n", k, v));
        out.printf("keys: %d, functions: %d, module aux records: %d%n", stats.keys(), stats.functions(), stats.moduleAux());
        for (Map.Entry<Long, Map<String, RdbStats.Count>> db : stats.perDb().entrySet()) {
            out.printf("db %d:%n", db.getKey());
            for (Map.Entry<String, RdbStats.Count> t : db.getValue().entrySet()) {
                out.printf("  %-22s %10d keys %14d value bytes %10d with expiry%n", t.getKey(), t.getValue().keys(),
                    t.getValue().valueBytes(), t.getValue().withExpiry());
            }
        }
        return ExitCodes.OK;
    }
}
