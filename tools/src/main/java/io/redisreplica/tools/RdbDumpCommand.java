package io.redisreplica.tools;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.redisreplica.rdb.RdbConstants;
import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbReader;
import io.redisreplica.rdb.RdbValueVisitor;
import io.redisreplica.rdb.RdbVisitor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "dump", mixinStandardHelpOptions = true,
    description = {"Every entry of an RDB file as a JSON line: db, key, type, encoding, expiry, LRU/LFU, offset, value size",
        "and the decoded value (string; array for lists and sets; object for hashes and zsets (member: score);",
        "array of {id, fields} for streams). Bytes that are not UTF-8 show as U+FFFD."})
final class RdbDumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The RDB file.")
    Path file;

    @Option(names = "--no-values", negatable = false, description = "Leave values out (faster: they are not decoded).")
    boolean noValues;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final Progress progress = new Progress(spec.commandLine().getErr(), "dump " + file.getFileName(), Files.size(file));
        try (InputStream in = new CountingInputStream(Files.newInputStream(file), quiet ? n -> { } : progress::update)) {
            new RdbReader().read(in, new Dumper(out, !noValues));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Writes one JSON line per entry, the value built as its elements are decoded. */
    private static final class Dumper implements RdbVisitor, RdbValueVisitor {
        private final PrintWriter out;
        private final boolean values;
        private final StringBuilder value = new StringBuilder();
        private int elements;

        Dumper(PrintWriter out, boolean values) {
            this.out = out;
            this.values = values;
        }

        private static String s(byte[] b) {
            return Json.string(new String(b, StandardCharsets.UTF_8));
        }

        private void element(String json) {
            value.append(elements++ == 0 ? "" : ",").append(json);
        }

        @Override
        public RdbValueVisitor onValue(RdbEntry entry) {
            value.setLength(0);
            elements = 0;
            return values ? this : null;
        }

        @Override
        public void onString(RdbEntry e, byte[] v) {
            value.append(s(v));
        }

        @Override
        public void onListItem(RdbEntry e, byte[] item) {
            element(s(item));
        }

        @Override
        public void onSetMember(RdbEntry e, byte[] member) {
            element(s(member));
        }

        @Override
        public void onZsetMember(RdbEntry e, byte[] member, double score) {
            element(s(member) + ":" + (Double.isFinite(score) ? Double.toString(score) : Json.string(Double.toString(score))));
        }

        @Override
        public void onHashField(RdbEntry e, byte[] field, byte[] v, long expireAtMs) {
            element(s(field) + ":" + (expireAtMs < 0 ? s(v) : "{\"value\":" + s(v) + ",\"expire_at_ms\":" + expireAtMs + "}"));
        }

        @Override
        public void onStreamEntry(RdbEntry e, long ms, long seq, byte[][] fv) {
            final StringBuilder sb = new StringBuilder("{\"id\":\"" + ms + "-" + seq + "\",\"fields\":{");
            for (int i = 0; i + 1 < fv.length; i += 2) {
                sb.append(i == 0 ? "" : ",").append(s(fv[i])).append(':').append(s(fv[i + 1]));
            }
            element(sb.append("}}").toString());
        }

        @Override
        public void onModuleValue(RdbEntry e, String module) {
            value.append(Json.string("module " + module));
        }

        @Override
        public void onEntryEnd(RdbEntry e) {
            final String type = RdbConstants.dataType(e.type());
            final String json = switch (type) {
                case "list", "set", "stream" -> "[" + value + "]";
                case "hash", "zset" -> "{" + value + "}";
                default -> value.length() == 0 ? "null" : value.toString();
            };
            out.println("{\"db\":" + e.db() + ",\"key\":" + Json.string(e.keyString())
                + ",\"type\":" + Json.string(type)
                + ",\"encoding\":" + Json.string(RdbConstants.typeName(e.type()))
                + (e.expireAtMs() >= 0 ? ",\"expire_at_ms\":" + e.expireAtMs() : "")
                + (e.idle() >= 0 ? ",\"idle\":" + e.idle() : "")
                + (e.freq() >= 0 ? ",\"freq\":" + e.freq() : "")
                + ",\"offset\":" + e.offset() + ",\"value_bytes\":" + e.valueLength()
                + (values ? ",\"value\":" + json : "") + "}");
        }
    }
}
