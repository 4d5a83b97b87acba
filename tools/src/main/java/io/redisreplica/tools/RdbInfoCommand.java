package io.redisreplica.tools;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import io.redisreplica.rdb.RdbReader;
import tools.jackson.core.JsonGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "info", mixinStandardHelpOptions = true,
    header = "What an RDB file holds: version, checksum, AUX fields, keys and value bytes per db and encoding.",
    description = "What an RDB file holds: version, AUX fields, keys and value bytes per db and encoding.")
final class RdbInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The RDB file.")
    Path file;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    @Mixin
    QuietOption quiet;

    @Override
    public Integer call() throws Exception {
        final RdbStats stats = new RdbStats();
        final Progress progress = new Progress(spec.commandLine().getErr(), "read " + file.getFileName(), Files.size(file));
        try (InputStream in = new CountingInputStream(Files.newInputStream(file), quiet.on() ? n -> { } : progress::update)) {
            new RdbReader().read(in, stats);
        }
        final PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try (JsonOut j = new JsonOut(out)) {
                writeJson(j, stats);
                j.endLine();
            }
            return ExitCodes.OK;
        }
        out.printf("file: %s (%d bytes)%n", file, Files.size(file));
        out.printf("format: %s, checksum %s%n", stats.header(),
            stats.checksum() == 0 ? "not stored" : String.format("%016x (verified)", stats.checksum()));
        stats.aux().forEach((k, v) -> out.printf("aux %s: %s%n", k, new String(v, StandardCharsets.UTF_8)));
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

    /**
     * {@code {"file", "bytes", "version", "valkey", "checksum" (hex, null when the file stores none),
     * "checksum_verified", "keys", "functions", "module_aux", "aux": {name: value}, "dbs": {db: {encoding:
     * {"keys", "value_bytes", "with_expiry"}}}}}.
     */
    private void writeJson(JsonOut j, RdbStats stats) throws java.io.IOException {
        final JsonGenerator g = j.json();
        g.writeStartObject();
        g.writeStringProperty("file", file.toString());
        g.writeNumberProperty("bytes", Files.size(file));
        g.writeNumberProperty("version", stats.header().version());
        g.writeBooleanProperty("valkey", stats.header().valkey());
        g.writeName("checksum");
        if (stats.checksum() == 0) {
            g.writeNull();
        } else {
            g.writeString(String.format("%016x", stats.checksum()));
        }
        // the reader compares the stored CRC64 with the bytes it read and fails on a mismatch
        g.writeBooleanProperty("checksum_verified", stats.checksum() != 0);
        g.writeNumberProperty("keys", stats.keys());
        g.writeNumberProperty("functions", stats.functions());
        g.writeNumberProperty("module_aux", stats.moduleAux());
        g.writeName("aux");
        g.writeStartObject();
        for (Map.Entry<String, byte[]> e : stats.aux().entrySet()) {
            j.bytesField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeName("dbs");
        g.writeStartObject();
        for (Map.Entry<Long, Map<String, RdbStats.Count>> db : stats.perDb().entrySet()) {
            g.writeName(Long.toString(db.getKey()));
            g.writeStartObject();
            for (Map.Entry<String, RdbStats.Count> t : db.getValue().entrySet()) {
                g.writeName(t.getKey());
                g.writeStartObject();
                g.writeNumberProperty("keys", t.getValue().keys());
                g.writeNumberProperty("value_bytes", t.getValue().valueBytes());
                g.writeNumberProperty("with_expiry", t.getValue().withExpiry());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndObject();
    }
}
