package io.redisreplica.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.router.config.ConfigException;
import io.redisreplica.router.config.Units;
import io.redisreplica.router.routing.CommandTable;
import io.redisreplica.router.routing.KeyPositions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "journal", mixinStandardHelpOptions = true, description = "Inspect a router's journal (read-only; safe while the router runs).",
    subcommands = {JournalCommand.Ls.class, JournalCommand.Tail.class, JournalCommand.Verify.class})
final class JournalCommand {
    private JournalCommand() {
    }

    static Journal open(Path dir) {
        return Journal.open(new JournalContext().dir(dir).readOnly(true).minFreeBytes(0));
    }

    @Command(name = "ls", aliases = "stat", mixinStandardHelpOptions = true,
        description = "Shards with their offsets, entries and files; the checkpoint's upstream position and receivers.")
    static final class Ls implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
        Path dir;

        @Option(names = "--json", description = "JSON instead of text.")
        boolean json;

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            try (Journal journal = open(dir)) {
                final List<JournalInspector.ShardStat> stats = JournalInspector.stats(journal);
                final Checkpoint cp = journal.checkpoint();
                if (json) {
                    final StringBuilder sb = new StringBuilder("{\"upstream\":{\"replid\":").append(Json.string(cp.upstreamReplid()))
                        .append(",\"offset\":").append(journal.upstreamOffsetCovered()).append("},\"shards\":[");
                    String sep = "";
                    for (JournalInspector.ShardStat s : stats) {
                        sb.append(sep).append("{\"shard\":").append(Json.string(s.shard())).append(",\"first_offset\":")
                            .append(s.firstOffset()).append(",\"end_offset\":").append(s.endOffset()).append(",\"entries\":")
                            .append(s.entries()).append(",\"files\":").append(s.files()).append(",\"bytes\":").append(s.bytes()).append('}');
                        sep = ",";
                    }
                    sb.append("],\"receivers\":[");
                    sep = "";
                    for (Checkpoint.ReceiverState r : cp.receivers()) {
                        sb.append(sep).append("{\"shard\":").append(Json.string(r.shard())).append(",\"receiver\":")
                            .append(Json.string(r.receiver())).append(",\"acked_offset\":").append(r.ackedOffset())
                            .append(",\"needs_full_resync\":").append(r.needsFullResync()).append('}');
                        sep = ",";
                    }
                    sb.append("],\"shard_map\":");
                    if (cp.shardMapRecorded()) {
                        sb.append('{');
                        sep = "";
                        for (java.util.Map.Entry<String, String> m : cp.shardMap().entrySet()) {
                            sb.append(sep).append(Json.string(m.getKey())).append(':').append(Json.string(m.getValue()));
                            sep = ",";
                        }
                        sb.append('}');
                    } else {
                        sb.append("null");
                    }
                    out.println(sb.append('}'));
                    return ExitCodes.OK;
                }
                out.printf("journal %s: upstream replid %s, covered offset %d%n", dir, cp.upstreamReplid(), journal.upstreamOffsetCovered());
                out.printf("%-16s %14s %14s %12s %6s %14s%n", "shard", "first offset", "end offset", "entries", "files", "bytes");
                for (JournalInspector.ShardStat s : stats) {
                    out.printf("%-16s %14d %14d %12d %6d %14d%n", s.shard(), s.firstOffset(), s.endOffset(), s.entries(), s.files(), s.bytes());
                }
                for (Checkpoint.ReceiverState r : cp.receivers()) {
                    final long end = stats.stream().filter(s -> s.shard().equals(r.shard())).mapToLong(JournalInspector.ShardStat::endOffset)
                        .findFirst().orElse(0);
                    out.printf("receiver %s of shard %s: acknowledged %d, lag %d bytes%s%n", r.receiver(), r.shard(), r.ackedOffset(),
                        end - r.ackedOffset(), r.needsFullResync() ? ", needs a full resync" : "");
                }
                if (!cp.shardMapRecorded()) {
                    out.println("shard map: not recorded (recorded by the router's next checkpoint)");
                }
                cp.shardMap().forEach((shard, line) -> out.printf("shard map %s: %s%n", shard, line));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "tail", aliases = "grep", mixinStandardHelpOptions = true,
        description = "Entries of a shard as readable commands (like redis-cli shows them) with their offsets.")
    static final class Tail implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
        Path dir;

        @Option(names = {"-s", "--shard"}, required = true, description = "The shard.")
        String shard;

        @Option(names = "--from", paramLabel = "OFFSET", description = "Start at this shard offset (an entry boundary). Default: the first entry.")
        Long from;

        @Option(names = "--since", paramLabel = "TIME", description = {"Start at entries written since TIME: an ISO-8601 instant "
            + "(2026-11-25T03:00:00Z) or a duration ago (30m, 2h, 7d).", "As fine as the journal's roll cycle (journal-roll): "
            + "it may start up to one file early, never late."})
        String since;

        @Option(names = {"-n", "--last"}, paramLabel = "N", defaultValue = "-1", description = "Only the last N entries.")
        long last;

        @Option(names = {"-f", "--follow"}, description = "Keep printing entries as they are appended (Ctrl-C to stop).")
        boolean follow;

        @Option(names = "--key", paramLabel = "REGEX", description = "Only commands with a key that matches (found anywhere in the key; "
            + "every key of DEL, MSET and the like).")
        Pattern key;

        @Option(names = "--command", paramLabel = "NAME", description = "Only this command (case-insensitive).")
        String command;

        @Option(names = "--db", paramLabel = "N", description = "Only entries of this database.")
        Integer db;

        @Option(names = "--json", description = "One JSON object per command: offset, db, upstream offset, arguments.")
        boolean json;

        private final CommandTable table = new CommandTable();
        private final io.redisreplica.router.routing.KeyArgs keyArgs = new io.redisreplica.router.routing.KeyArgs();

        /** Whether any key of the command matches {@code --key}; an unknown command's key is its first argument. */
        private boolean anyKeyMatches(io.redisreplica.resp.Command c) {
            final io.redisreplica.router.routing.CommandSpec commandSpec = table.lookup(c);
            if (commandSpec == null) {
                return c.argCount() > 1 && key.matcher(c.argString(1)).find();
            }
            final int n = KeyPositions.of(c, commandSpec, keyArgs);
            for (int i = 0; i < n; i++) {
                if (key.matcher(c.argString(keyArgs.arg(i))).find()) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Integer call() throws Exception {
            final PrintWriter out = spec.commandLine().getOut();
            try (Journal journal = open(dir); JournalReader reader = journal.shard(shard).reader()) {
                final ShardJournal sj = journal.shard(shard);
                if (from != null && since != null) {
                    throw new ParameterException(spec.commandLine(), "--from and --since name the start twice: give one");
                }
                if (since != null) {
                    from = sj.offsetAtOrAfter(sinceMillis(since));
                }
                if (from != null) {
                    final SeekResult seek = reader.seek(from);
                    if (seek != SeekResult.BOUNDARY) {
                        spec.commandLine().getErr().printf("offset %d: %s (shard %s holds %d..%d)%n", from, seek, shard,
                            sj.firstOffset(), sj.endOffset());
                        return ExitCodes.BAD_INPUT;
                    }
                }
                final JournalEntry entry = new JournalEntry();
                final CommandFramer framer = new CommandFramer(io.redisreplica.resp.RespDecoderContext.preChecked());
                long skip = last < 0 ? 0 : Math.max(0, sj.entryCount() - last);
                while (true) {
                    if (!reader.next(entry)) {
                        if (!follow) {
                            break;
                        }
                        reader.await(1, TimeUnit.SECONDS);
                        continue;
                    }
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    int at = entry.payloadOffset();
                    final int end = at + entry.payloadLength();
                    int n;
                    int commandDb = entry.db(); // an entry starts in its db; a SELECT inside it (a transaction) moves on
                    while (at < end && (n = framer.frame(entry.payload(), at, end - at)) > 0) {
                        final io.redisreplica.resp.Command c = framer.command();
                        at += n;
                        if (!c.isEmpty() && c.argCount() == 2 && c.argString(0).equalsIgnoreCase("SELECT")) {
                            commandDb = (int) c.argLong(1);
                        }
                        if (db != null && commandDb != db) {
                            continue;
                        }
                        if (c.isEmpty() || (command != null && !c.argString(0).equalsIgnoreCase(command))
                            || (key != null && !anyKeyMatches(c))) {
                            continue;
                        }
                        if (json) {
                            final StringBuilder sb = new StringBuilder("{\"offset\":").append(entry.startOffset())
                                .append(",\"db\":").append(commandDb).append(",\"upstream\":").append(entry.upstreamOffset())
                                .append(",\"args\":[");
                            for (int i = 0; i < c.argCount(); i++) {
                                sb.append(i == 0 ? "" : ",").append(Json.string(c.argString(i)));
                            }
                            out.println(sb.append("]}"));
                        } else {
                            out.printf("%d db=%d upstream=%d %s%n", entry.startOffset(), commandDb, entry.upstreamOffset(), c);
                        }
                    }
                    out.flush();
                }
            }
            return ExitCodes.OK;
        }
    }

    /** Milliseconds since the epoch of an ISO-8601 instant, or of now less a duration. */
    static long sinceMillis(String text) {
        try {
            return java.time.Instant.parse(text).toEpochMilli();
        } catch (java.time.format.DateTimeParseException notAnInstant) {
            try {
                return System.currentTimeMillis() - Units.duration(text, "").toMillis();
            } catch (ConfigException e) {
                throw new IllegalArgumentException("--since " + text + ": neither an ISO-8601 instant (2026-11-25T03:00:00Z) nor a "
                    + "duration (30m, 2h, 7d)");
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check that every entry reads back, offsets are contiguous and checkpoints point inside the entries. Exit 1 when not.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
        Path dir;

        @Option(names = "--json", description = "The result as one JSON object.")
        boolean json;

        @Override
        public Integer call() {
            try (Journal journal = open(dir)) {
                final List<String> problems = JournalInspector.verify(journal);
                if (json) {
                    final StringBuilder sb = new StringBuilder("{\"journal\":").append(Json.string(dir.toString()))
                        .append(",\"consistent\":").append(problems.isEmpty()).append(",\"problems\":[");
                    for (int i = 0; i < problems.size(); i++) {
                        sb.append(i == 0 ? "" : ",").append(Json.string(problems.get(i)));
                    }
                    spec.commandLine().getOut().println(sb.append("]}"));
                    return problems.isEmpty() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
                }
                if (problems.isEmpty()) {
                    spec.commandLine().getOut().printf("journal %s: %d shards, consistent%n", dir, journal.shardNames().size());
                    return ExitCodes.OK;
                }
                problems.forEach(p -> spec.commandLine().getErr().println("problem: " + p));
                return ExitCodes.CHECK_FAILED;
            }
        }
    }
}
