package io.redisreplica.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.redisreplica.journal.Journal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.core.JsonGenerator;

@Command(name = "replay", mixinStandardHelpOptions = true,
    header = "Send a shard's journal to a Redis (or Redis Cluster) as a client, exactly once.",
    description = {"Send a shard's journal to a Redis target as a client, exactly once: each batch goes in a MULTI/EXEC",
        "with a checkpoint key holding the offset reached, so a replay stopped anywhere and run again applies every",
        "command once. Redis Cluster targets get one transaction and checkpoint key per hash slot and follow MOVED.",
        "Works where REPLICAOF is not allowed (managed services). A replay never crosses the start of a new snapshot",
        "epoch. Exit code 1 when the target refused some commands (each is printed on stderr with its offset)."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory (read-only; the router may be running).")
    Path dir;

    @Option(names = {"-s", "--shard"}, required = true, paramLabel = "SHARD", description = "The shard to replay.")
    String shard;

    @Option(names = {"-t", "--target"}, required = true, paramLabel = "HOST:PORT", description = "The Redis (or a node of the cluster) to replay to.")
    String target;

    @Option(names = "--from", paramLabel = "OFFSET", description = "Shard offset to start at (an entry boundary). Default: where the shard's current snapshot "
        + "starts (or the first entry the journal still holds). The target's checkpoint key wins when it is further on.")
    Long from;

    @Option(names = "--from-receiver", paramLabel = "NAME", description = "Start at this receiver's acknowledged offset in the checkpoint.")
    String fromReceiver;

    @Option(names = "--to", paramLabel = "OFFSET", description = "Stop at this shard offset. Default: the journal's end.")
    Long to;

    @Option(names = "--user", paramLabel = "USER", description = "ACL user for AUTH.")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", description = "Password for AUTH (or set REDIS_REPLICA_TARGET_PASSWORD).")
    String password;

    @Option(names = "--batch", defaultValue = "500", paramLabel = "N", description = "Entries per transaction, at least 1 (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--checkpoint-key", paramLabel = "KEY", description = "Where the target keeps the offset reached. "
        + "Default: redis-replica:replay:SHARD.")
    String checkpointKey;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--json", description = "The result as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        final int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            throw new ParameterException(spec.commandLine(), "--target must be HOST:PORT, was " + target);
        }
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1 (entries per transaction), was " + batch);
        }
        if (from != null && fromReceiver != null) {
            throw new ParameterException(spec.commandLine(), "--from and --from-receiver name the start twice: give one");
        }
        final String pass = password != null ? password : System.getenv("REDIS_REPLICA_TARGET_PASSWORD");
        final PrintWriter err = spec.commandLine().getErr();
        try (Journal journal = JournalCommand.open(dir)) {
            final Progress progress = new Progress(err, "replay " + shard, 0);
            final long started = System.nanoTime();
            final ReplayEngine.Result result = new ReplayEngine(new ReplayEngine.Options(journal, shard, from, fromReceiver, to,
                target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)), user, pass, batch,
                checkpointKey != null ? checkpointKey : "redis-replica:replay:" + shard))
                .run(new ReplayEngine.Listener() {
                    @Override
                    public void progress(long startOffset, long reachedOffset, long endOffset) {
                        if (!quiet) {
                            progress.update(reachedOffset - startOffset, endOffset - startOffset);
                        }
                    }

                    @Override
                    public void refused(long entryOffset, String command, String why) {
                        err.printf("not replayed: entry at offset %d: %s (%s)%n", entryOffset, command, why);
                    }
                });
            final double seconds = (System.nanoTime() - started) / 1e9;
            if (json) {
                try (JsonOut j = new JsonOut(spec.commandLine().getOut())) {
                    final JsonGenerator g = j.json();
                    g.writeStartObject();
                    g.writeStringProperty("shard", shard);
                    g.writeStringProperty("target", target);
                    g.writeBooleanProperty("cluster", result.cluster());
                    g.writeNumberProperty("start_offset", result.startOffset());
                    g.writeNumberProperty("end_offset", result.endOffset());
                    g.writeNumberProperty("entries", result.entries());
                    g.writeNumberProperty("commands", result.commands());
                    g.writeNumberProperty("skipped", result.skipped());
                    g.writeNumberProperty("failed", result.failedCommands());
                    g.writeNumberProperty("seconds", Math.round(seconds * 1000) / 1000.0);
                    g.writeEndObject();
                    j.endLine();
                }
            } else {
                spec.commandLine().getOut().printf(Locale.ROOT, "replayed shard %s offsets %d..%d to %s%s: %d entries, %d commands, "
                        + "%d skipped (already applied), %d failed on the target, in %.2f s%n", shard, result.startOffset(),
                    result.endOffset(), target, result.cluster() ? " (cluster)" : "", result.entries(), result.commands(),
                    result.skipped(), result.failedCommands(), seconds);
            }
            return result.failedCommands() == 0 ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        }
    }
}
