package io.redisreplica.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.redisreplica.journal.Journal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.core.JsonGenerator;

@Command(name = "replay", mixinStandardHelpOptions = true,
    header = "Load a shard's snapshot, then send its journal, to a Redis (or Redis Cluster) as a client, exactly once.",
    description = {"Send a shard's data to a Redis target as a client, exactly once: first its snapshot (RESTORE, in",
        "MULTI/EXEC batches that record how far the load got), when the replay starts at the snapshot and the target",
        "has no checkpoint yet; then its journal, each batch in a MULTI/EXEC with a checkpoint key holding the offset",
        "reached, so a replay stopped anywhere and run again applies every command once. --follow keeps going as the",
        "journal grows; with --admin it reports to the router, which keeps the journal it needs and shows its lag. Redis",
        "Cluster targets get each snapshot key on its slot's node and one transaction and checkpoint key per hash slot,",
        "following MOVED. Works where REPLICAOF is not allowed (managed services). A replay never crosses the",
        "start of a new snapshot epoch: when the shard gets a new snapshot, --on-new-snapshot reload (the default) empties",
        "the target and loads it, stop exits. Exit code 1 when the target refused some commands (each is printed on",
        "stderr with its offset)."})
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

    @Option(names = "--no-snapshot", description = "Do not load the shard's snapshot first (the target already holds it).")
    boolean noSnapshot;

    @Option(names = "--replace", description = "Snapshot keys the target already has are replaced (default: a target "
        + "that holds keys is refused).")
    boolean replace;

    @Option(names = "--skip-existing", description = "Snapshot keys the target already has are left as they are.")
    boolean skipExisting;

    @Option(names = "--follow", description = "After the end of the journal, keep replaying what the router appends "
        + "(until stopped; a stopped follow resumes from the target's checkpoint).")
    boolean follow;

    @Option(names = "--on-new-snapshot", defaultValue = "reload", paramLabel = "ACTION", description = "reload or stop. With --follow, "
        + "when the shard gets a new snapshot (a full sync of the master, a journal set aside), or the target holds an older one: reload empties the "
        + "target (FLUSHALL, as a replica does at a full resync) and loads the new snapshot; stop exits with an error and leaves "
        + "the target as it is (default: ${DEFAULT-VALUE}).")
    String onNewSnapshot;

    @Option(names = "--admin", paramLabel = "HOST:PORT", description = "With --follow: report the target's offset to the "
        + "router's admin port each second, so that retention keeps the journal this follower needs (for follower-hold-time "
        + "after its last report) and status/INFO/metrics show its lag.")
    String admin;

    @Option(names = "--admin-user", paramLabel = "USER", description = "The router's admin-user, when it has an admin-password.")
    String adminUser;

    @Option(names = "--admin-password", paramLabel = "PASSWORD", description = "The router's admin-password (or set "
        + "REDIS_REPLICA_ADMIN_PASSWORD).")
    String adminPassword;

    @Option(names = "--admin-tls", description = "TLS to the admin port (admin-tls yes); the --cacert/--cert/--key files apply.")
    boolean adminTls;

    @Option(names = "--follower-name", paramLabel = "NAME", description = "The name the router shows and holds the journal for "
        + "(default: the target's HOST:PORT).")
    String followerName;

    @Mixin
    QuietOption quiet;

    @Mixin
    TlsOptions tls;

    @Mixin
    JsonResultOption json;

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
        if (replace && skipExisting) {
            throw new ParameterException(spec.commandLine(), "--replace and --skip-existing contradict each other: give one");
        }
        if (follow && to != null) {
            throw new ParameterException(spec.commandLine(), "--follow and --to contradict each other: give one");
        }
        final ReplayEngine.NewSnapshot newSnapshot = switch (onNewSnapshot) {
            case "reload" -> ReplayEngine.NewSnapshot.RELOAD;
            case "stop" -> ReplayEngine.NewSnapshot.STOP;
            default -> throw new ParameterException(spec.commandLine(), "--on-new-snapshot must be reload or stop, was " + onNewSnapshot);
        };
        final int adminColon = admin == null ? -1 : admin.lastIndexOf(':');
        if (admin != null && (!follow || adminColon <= 0)) {
            throw new ParameterException(spec.commandLine(), !follow ? "--admin reports a follower: it goes with --follow"
                : "--admin must be HOST:PORT, was " + admin);
        }
        final String pass = password != null ? password : System.getenv("REDIS_REPLICA_TARGET_PASSWORD");
        final PrintWriter err = spec.commandLine().getErr();
        try (Journal journal = JournalCommand.open(dir);
             FollowerReporter reporter = admin == null ? null : new FollowerReporter(admin.substring(0, adminColon),
                 Integer.parseInt(admin.substring(adminColon + 1)), adminUser,
                 adminPassword != null ? adminPassword : System.getenv("REDIS_REPLICA_ADMIN_PASSWORD"), tls.sockets(adminTls, null), shard,
                 followerName != null ? followerName : target, err).start()) {
            final Progress progress = new Progress(err, "replay " + shard, 0);
            final Progress snapshotProgress = new Progress(err, "snapshot " + shard, 0);
            final long started = System.nanoTime();
            final ReplayEngine.Result result = new ReplayEngine(new ReplayEngine.Options(journal, shard, from, fromReceiver, to,
                target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)), user, pass, batch,
                checkpointKey != null ? checkpointKey : "redis-replica:replay:" + shard,
                noSnapshot ? null : new ReplayEngine.Snapshot(dir.resolve("snapshots").resolve(shard + ".rdb"),
                    replace ? SnapshotLoader.Existing.REPLACE : skipExisting ? SnapshotLoader.Existing.SKIP : SnapshotLoader.Existing.FAIL),
                follow ? new ReplayEngine.Follow(newSnapshot, () -> JournalCommand.open(dir)) : null)).sockets(tls.sockets(false, null))
                .run(new ReplayEngine.Listener() {
                    @Override
                    public void progress(long startOffset, long reachedOffset, long endOffset) {
                        if (!quiet.on()) {
                            progress.update(reachedOffset - startOffset, endOffset - startOffset);
                        }
                    }

                    @Override
                    public void snapshotProgress(long bytesRead, long rdbLength) {
                        if (!quiet.on()) {
                            snapshotProgress.update(bytesRead, rdbLength);
                        }
                    }

                    @Override
                    public void snapshotLoaded(SnapshotLoader.Result r) {
                        err.printf("snapshot of shard %s loaded: %d keys restored, %d already there and skipped, %d expired%s%n", shard,
                            r.restored(), r.skippedExisting(), r.expired(),
                            r.resumedAfter() > 0 ? " (resumed after " + r.resumedAfter() + " keys an interrupted load left)" : "");
                    }

                    @Override
                    public void applied(long offset) {
                        if (reporter != null) {
                            reporter.applied(offset);
                        }
                    }

                    @Override
                    public void newSnapshot(String why) {
                        err.printf("shard %s: %s%n", shard, why);
                        err.flush();
                    }

                    @Override
                    public void refused(long entryOffset, String command, String why) {
                        err.printf("not replayed: entry at offset %d: %s (%s)%n", entryOffset, command, why);
                    }
                });
            final double seconds = (System.nanoTime() - started) / 1e9;
            if (json.on()) {
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
