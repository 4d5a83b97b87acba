package io.redisreplica.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.core.JsonGenerator;

@Command(name = "ls", aliases = "stat", mixinStandardHelpOptions = true,
    header = "Shards with their offsets, entries and bytes on disk; receivers and their lag; the shard map.",
    description = {"Shards with their offsets, entries, files and the bytes those take on disk (as du counts them: the files",
        "are sparse); the checkpoint's upstream position, the receivers with their lag, and the recorded shard map."})
final class JournalLsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
    Path dir;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        try (Journal journal = JournalCommand.open(dir)) {
            final List<JournalInspector.ShardStat> stats = JournalInspector.stats(journal);
            final Checkpoint cp = journal.checkpoint();
            if (json) {
                try (JsonOut j = new JsonOut(out)) {
                    writeJson(j.json(), journal, stats, cp);
                    j.endLine();
                }
                return ExitCodes.OK;
            }
            out.printf("journal %s: upstream replid %s, covered offset %d%n", dir, cp.upstreamReplid(), journal.upstreamOffsetCovered());
            out.printf("%-16s %14s %14s %12s %6s %14s%n", "shard", "first offset", "end offset", "entries", "files", "bytes on disk");
            for (JournalInspector.ShardStat s : stats) {
                out.printf("%-16s %14d %14d %12d %6d %14d%n", s.shard(), s.firstOffset(), s.endOffset(), s.entries(), s.files(), s.bytes());
            }
            for (Checkpoint.ReceiverState r : cp.receivers()) {
                out.printf("receiver %s of shard %s: acknowledged %d, lag %d bytes%s%n", r.receiver(), r.shard(), r.ackedOffset(),
                    lag(stats, r), r.needsFullResync() ? ", needs a full resync" : "");
            }
            if (!cp.shardMapRecorded()) {
                out.println("shard map: not recorded (recorded by the router's next checkpoint)");
            }
            cp.shardMap().forEach((shard, line) -> out.printf("shard map %s: %s%n", shard, line));
        }
        return ExitCodes.OK;
    }

    /** Bytes of the shard's journal after what the receiver acknowledged. */
    private static long lag(List<JournalInspector.ShardStat> stats, Checkpoint.ReceiverState r) {
        final long end = stats.stream().filter(s -> s.shard().equals(r.shard())).mapToLong(JournalInspector.ShardStat::endOffset)
            .findFirst().orElse(r.ackedOffset());
        return Math.max(0, end - r.ackedOffset());
    }

    /**
     * {@code {"journal", "upstream": {"replid", "offset"}, "shards": [{"shard", "first_offset", "end_offset", "entries",
     * "files", "bytes", "apparent_bytes"}], "receivers": [{"shard", "receiver", "acked_offset", "lag_bytes",
     * "needs_full_resync"}], "shard_map": {shard: line} or null}}.
     */
    private void writeJson(JsonGenerator g, Journal journal, List<JournalInspector.ShardStat> stats, Checkpoint cp) {
        g.writeStartObject();
        g.writeStringProperty("journal", dir.toString());
        g.writeName("upstream");
        g.writeStartObject();
        g.writeStringProperty("replid", cp.upstreamReplid());
        g.writeNumberProperty("offset", journal.upstreamOffsetCovered());
        g.writeEndObject();
        g.writeName("shards");
        g.writeStartArray();
        for (JournalInspector.ShardStat s : stats) {
            g.writeStartObject();
            g.writeStringProperty("shard", s.shard());
            g.writeNumberProperty("first_offset", s.firstOffset());
            g.writeNumberProperty("end_offset", s.endOffset());
            g.writeNumberProperty("entries", s.entries());
            g.writeNumberProperty("files", s.files());
            g.writeNumberProperty("bytes", s.bytes());
            g.writeNumberProperty("apparent_bytes", s.apparentBytes());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeName("receivers");
        g.writeStartArray();
        for (Checkpoint.ReceiverState r : cp.receivers()) {
            g.writeStartObject();
            g.writeStringProperty("shard", r.shard());
            g.writeStringProperty("receiver", r.receiver());
            g.writeNumberProperty("acked_offset", r.ackedOffset());
            g.writeNumberProperty("lag_bytes", lag(stats, r));
            g.writeBooleanProperty("needs_full_resync", r.needsFullResync());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeName("shard_map");
        if (cp.shardMapRecorded()) {
            g.writeStartObject();
            for (Map.Entry<String, String> m : cp.shardMap().entrySet()) {
                g.writeStringProperty(m.getKey(), m.getValue());
            }
            g.writeEndObject();
        } else {
            g.writeNull();
        }
        g.writeEndObject();
    }
}
