package io.redisreplica.tools;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

/** What {@code compare} prints: the counts and the first differences, as text or one JSON object. */
final class CompareReport {
    /** A key that differs, and why: {@code key} is the master's name, {@code shardKey} the shard's. */
    record Difference(int db, String shard, byte[] key, byte[] shardKey, String what) {
        /** A key on a shard that does not own it: re-checked by its existence alone. */
        boolean misplaced() {
            return what.startsWith("on shard ");
        }
    }

    private final boolean json;
    private final int maxReport;

    CompareReport(boolean json, int maxReport) {
        this.json = json;
        this.maxReport = maxReport;
    }

    void print(PrintWriter out, List<Difference> differences, long compared, long notCompared, List<String> untraced, long millis) {
        if (json) {
            try (JsonOut j = new JsonOut(out)) {
                final tools.jackson.core.JsonGenerator g = j.json();
                g.writeStartObject();
                g.writeBooleanProperty("equal", differences.isEmpty());
                g.writeNumberProperty("keys_compared", compared);
                g.writeNumberProperty("keys_not_compared", notCompared);
                g.writeName("not_scanned_for_extra_keys");
                g.writeStartArray();
                for (String shard : untraced) {
                    g.writeString(shard);
                }
                g.writeEndArray();
                g.writeNumberProperty("differences", differences.size());
                g.writeNumberProperty("millis", millis);
                g.writeName("listed");
                g.writeStartArray();
                for (int i = 0; i < Math.min(maxReport, differences.size()); i++) {
                    final Difference d = differences.get(i);
                    g.writeStartObject();
                    g.writeNumberProperty("db", d.db());
                    g.writeStringProperty("shard", d.shard());
                    j.bytesField("key", d.key());
                    if (!Arrays.equals(d.key(), d.shardKey())) {
                        j.bytesField("shard_key", d.shardKey());
                    }
                    g.writeStringProperty("what", d.what());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
                j.endLine();
            }
        } else {
            out.printf("compare: %d keys compared in %d ms%s: %s%n", compared, millis,
                notCompared > 0 ? " (" + notCompared + " keys of shards not given not compared)" : "",
                differences.isEmpty() ? "every shard equals the master" : differences.size() + " difference(s)");
            for (String shard : untraced) {
                out.printf("  shard %s not scanned for keys the master does not have: its regex rewrite cannot be undone%n", shard);
            }
            for (int i = 0; i < Math.min(maxReport, differences.size()); i++) {
                final Difference d = differences.get(i);
                out.printf("  db %d shard %s key %s%s: %s%n", d.db(), d.shard(), JsonOut.quoted(d.key()),
                    Arrays.equals(d.key(), d.shardKey()) ? "" : " (" + JsonOut.quoted(d.shardKey()) + " on the shard)", d.what());
            }
        }
        out.flush();
    }
}
