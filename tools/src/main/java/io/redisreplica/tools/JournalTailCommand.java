package io.redisreplica.tools;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.router.routing.CommandTable;
import io.redisreplica.router.routing.KeyArgs;
import io.redisreplica.router.routing.KeyPositions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.core.JsonGenerator;

@Command(name = "tail", mixinStandardHelpOptions = true,
    header = "Commands of a shard's journal as redis-cli shows them, with their offsets (-f follows new ones).",
    description = {"Entries of a shard as readable commands (as redis-cli shows them) with their offsets.",
        "The router's keep-alive PINGs (one every 10 s while the master is idle) are left out unless --pings."})
class JournalTailCommand implements Callable<Integer> {
    /** {@code journal grep}: the same command, named for searching with --key, --command and --db. */
    @Command(name = "grep", mixinStandardHelpOptions = true,
        header = "Commands of a shard's journal that match --key, --command or --db, with their offsets.",
        description = {"Commands of a shard that match --key, --command or --db, with their offsets (journal tail with filters).",
            "The router's keep-alive PINGs are left out unless --pings."})
    static final class Grep extends JournalTailCommand {
    }

    private static final byte[] PING = "PING".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
    Path dir;

    @Option(names = {"-s", "--shard"}, required = true, paramLabel = "SHARD", description = "The shard.")
    String shard;

    @Option(names = "--from", paramLabel = "OFFSET", description = "Start at this shard offset (an entry's start). Default: the first entry.")
    Long from;

    @Option(names = "--since", paramLabel = "TIME", description = {"Start at entries written since TIME: an ISO-8601 instant "
        + "(2026-11-25T03:00:00Z) or a duration ago (30m, 2h, 7d).", "As fine as the journal's roll cycle (journal-roll): "
        + "it may start up to one file early, never late."})
    String since;

    @Option(names = {"-n", "--last"}, paramLabel = "N", description = "Only the last N commands that pass the filters (with -f: then follow).")
    Long last;

    @Option(names = {"-f", "--follow"}, description = "Keep printing commands as they are appended (Ctrl-C to stop).")
    boolean follow;

    @Option(names = "--key", paramLabel = "REGEX", description = "Only commands with a key that matches (found anywhere in the key; "
        + "every key of DEL, MSET and the like).")
    Pattern key;

    @Option(names = "--command", paramLabel = "NAME", description = "Only this command (case-insensitive).")
    String command;

    @Option(names = "--db", paramLabel = "N", description = "Only commands of this database.")
    Integer db;

    @Option(names = "--pings", description = "Show the router's keep-alive PINGs too (hidden by default).")
    boolean pings;

    @Option(names = "--json", description = "One JSON object per command: offset, db, upstream offset, args.")
    boolean json;

    @Option(names = "--base64", description = "With --json: every argument as a base64 string (default: a JSON string when it is "
        + "UTF-8, {\"base64\": \"...\"} when not).")
    boolean base64;

    private final CommandTable table = new CommandTable();
    private final KeyArgs keyArgs = new KeyArgs();
    /** Where a JSON line is built before it is printed or kept for -n. */
    private final StringWriter line = new StringWriter();
    private JsonOut jsonLine;

    @Override
    public Integer call() throws Exception {
        if (from != null && since != null) {
            throw new ParameterException(spec.commandLine(), "--from and --since name the start twice: give one");
        }
        if (last != null && last < 0) {
            throw new ParameterException(spec.commandLine(), "-n must be 0 or more, was " + last);
        }
        final Long sinceMillis = since == null ? null : JournalCommand.sinceMillis(spec.commandLine(), since); // a usage error first
        final PrintWriter out = spec.commandLine().getOut();
        jsonLine = json ? new JsonOut(line, base64) : null;
        try (Journal journal = JournalCommand.open(dir)) {
            final ShardJournal sj = journal.shard(shard);
            try (JournalReader reader = sj.reader()) {
                if (sinceMillis != null) {
                    from = sj.offsetAtOrAfter(sinceMillis);
                }
                if (from != null) {
                    final SeekResult seek = reader.seek(from);
                    if (seek != SeekResult.BOUNDARY) {
                        spec.commandLine().getErr().println("error: " + JournalCommand.refusal("--from", from, seek, sj));
                        return ExitCodes.BAD_INPUT;
                    }
                }
                print(reader, out);
            }
        }
        return ExitCodes.OK;
    }

    private void print(JournalReader reader, PrintWriter out) throws InterruptedException {
        // -n: the last N lines that pass the filters are known only at the end: kept until then
        ArrayDeque<String> lastLines = last == null ? null : new ArrayDeque<>();
        final JournalEntry entry = new JournalEntry();
        final CommandFramer framer = new CommandFramer(RespDecoderContext.preChecked());
        while (true) {
            if (!reader.next(entry)) {
                if (lastLines != null) {
                    lastLines.forEach(out::print);
                    lastLines = null;
                    out.flush();
                }
                if (!follow) {
                    return;
                }
                reader.await(1, TimeUnit.SECONDS);
                continue;
            }
            int at = entry.payloadOffset();
            final int end = at + entry.payloadLength();
            int n;
            int commandDb = entry.db(); // an entry starts in its db; a SELECT inside it (a transaction) moves on
            while (at < end && (n = framer.frame(entry.payload(), at, end - at)) > 0) {
                final io.redisreplica.resp.Command c = framer.command();
                at += n;
                if (c.isEmpty()) {
                    continue;
                }
                if (c.argCount() == 2 && c.nameIs(SELECT)) {
                    commandDb = (int) c.argLong(1);
                }
                if (!selected(c, commandDb)) {
                    continue;
                }
                final String text = format(entry, commandDb, c);
                if (lastLines == null) {
                    out.print(text);
                } else if (last > 0) {
                    if (lastLines.size() == last) {
                        lastLines.removeFirst();
                    }
                    lastLines.addLast(text);
                }
            }
            if (lastLines == null) {
                out.flush();
            }
        }
    }

    private boolean selected(io.redisreplica.resp.Command c, int commandDb) {
        if (db != null && commandDb != db) {
            return false;
        }
        if (command != null) {
            if (!c.argString(0).equalsIgnoreCase(command)) {
                return false;
            }
        } else if (!pings && c.argCount() == 1 && c.nameIs(PING)) {
            return false; // the router's keep-alive: noise unless asked for
        }
        return key == null || anyKeyMatches(c);
    }

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

    private String format(JournalEntry entry, int commandDb, io.redisreplica.resp.Command c) {
        if (jsonLine == null) {
            return entry.startOffset() + " db=" + commandDb + " upstream=" + entry.upstreamOffset() + " " + c + System.lineSeparator();
        }
        final JsonGenerator g = jsonLine.json();
        g.writeStartObject();
        g.writeNumberProperty("offset", entry.startOffset());
        g.writeNumberProperty("db", commandDb);
        g.writeNumberProperty("upstream", entry.upstreamOffset());
        g.writeName("args");
        g.writeStartArray();
        for (int i = 0; i < c.argCount(); i++) {
            jsonLine.bytes(c.argBytes(i));
        }
        g.writeEndArray();
        g.writeEndObject();
        jsonLine.endLine();
        jsonLine.flush();
        final String text = line.toString();
        line.getBuffer().setLength(0);
        return text;
    }
}
