package io.redisreplica.tools;

import java.nio.file.Path;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.router.config.ConfigException;
import io.redisreplica.router.config.Units;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

@Command(name = "journal", mixinStandardHelpOptions = true, description = "Inspect a router's journal (read-only; safe while the router runs).")
// its subcommands are added by CommandTree: only the one a start names is built
final class JournalCommand {
    private JournalCommand() {
    }

    /** Opens a journal read-only: fails (exit 3) on a directory that is not one. */
    static Journal open(Path dir) {
        return Journal.open(new JournalContext().dir(dir).readOnly(true).minFreeBytes(0));
    }

    /** Milliseconds since the epoch of an ISO-8601 instant, or of now less a duration; a usage error otherwise. */
    static long sinceMillis(CommandLine cli, String text) {
        try {
            return java.time.Instant.parse(text).toEpochMilli();
        } catch (java.time.format.DateTimeParseException notAnInstant) {
            try {
                return System.currentTimeMillis() - Units.duration(text, "").toMillis();
            } catch (ConfigException e) {
                throw new ParameterException(cli, "--since " + text + ": neither an ISO-8601 instant (2026-11-25T03:00:00Z) nor a "
                    + "duration (30m, 2h, 7d)");
            }
        }
    }

    /** Why a start offset is refused, in words: {@code offset 5 is inside an entry (...)}. */
    static String refusal(String what, long offset, SeekResult seek, ShardJournal shard) {
        final String why = switch (seek) {
            case NOT_BOUNDARY -> "is inside an entry, not at its start (entries start where the previous one ends: see journal tail)";
            case BEFORE_START -> "is before the first entry the journal still holds (retention deleted it, or an older snapshot epoch)";
            case BEYOND_END -> "is past the end of the journal";
            case BOUNDARY -> "is an entry's start";
        };
        return what + " " + offset + " " + why + "; shard " + shard.name() + " holds offsets " + shard.firstOffset() + ".."
            + shard.endOffset();
    }
}
