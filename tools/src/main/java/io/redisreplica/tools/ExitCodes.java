package io.redisreplica.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import io.redisreplica.journal.JournalException;
import io.redisreplica.rdb.RdbFormatException;
import io.redisreplica.router.config.ConfigException;
import io.redisreplica.router.shard.ShardMapChangedException;

/**
 * The exit codes of every command, in one table: {@link #TABLE} is what {@code --help} and the
 * README print (a test holds them equal), and {@link #of(Throwable)} is how an exception that
 * ends a command becomes one of them.
 */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;
    /** A check failed: journal verify found a problem, compare a difference, status or cutover a shard not in sync, replay a refused command. */
    public static final int CHECK_FAILED = 1;
    /** Bad command line: an unknown or missing option, a value out of range, options that exclude each other. */
    public static final int USAGE = 2;
    /** Bad input: a corrupt RDB, an invalid config file, a journal that cannot be read or a directory that is not one. */
    public static final int BAD_INPUT = 3;
    /** The environment: a missing or unreadable file, a server that cannot be reached, a port in use, redis-server missing. */
    public static final int ENVIRONMENT = 4;
    /** {@code run} refused: the shard map differs from the journal's (pass --accept-shard-map-change to rebuild). */
    public static final int SHARD_MAP_CHANGED = 5;
    /**
     * The router stopped by itself on a fault it cannot recover from (the cross-shard policy
     * {@code stop}, an {@code Error} such as OutOfMemoryError in any thread): a supervisor should
     * restart it, after looking at the log's one ERROR line.
     */
    public static final int ROUTER_FAILED = 6;
    /** A bug in redis-replica: the error and its stack trace are printed on stderr (please report them). */
    public static final int INTERNAL = 7;

    /** One code and what it means, as the help footer and the README list them. */
    public record Code(int code, String meaning) {
    }

    /** Every code, in order. */
    public static final List<Code> TABLE = List.of(
        new Code(OK, "done (run: stopped by SIGTERM/Ctrl-C after closing in order)"),
        new Code(CHECK_FAILED, "a check failed (verify, compare, status --wait-synced, cutover), or a replay's target refused commands"),
        new Code(USAGE, "usage error: an unknown, missing or out-of-range option, or options that exclude each other"),
        new Code(BAD_INPUT, "bad input: a corrupt RDB, an invalid config, an unreadable journal or a directory that is not one"),
        new Code(ENVIRONMENT, "environment: a missing or unwritable file, a server that cannot be reached, a port in use, redis-server missing"),
        new Code(SHARD_MAP_CHANGED, "run refused: the shard map differs from the one the journal was built with"),
        new Code(ROUTER_FAILED, "the router stopped by itself on a fault it cannot recover from (see the log's ERROR line)"),
        new Code(INTERNAL, "a bug in redis-replica: the stack trace is printed, please report it"));

    private ExitCodes() {
    }

    /** The code for an exception that ended a command (picocli's usage errors never get here: they are {@link #USAGE}). */
    public static int of(Throwable e) {
        if (e instanceof ShardMapChangedException) {
            return SHARD_MAP_CHANGED;
        }
        if (e instanceof RdbFormatException || e instanceof ConfigException || e instanceof JournalException
            || e instanceof IllegalArgumentException) { // the tools' and the config's own word for a value they cannot use
            return BAD_INPUT;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return ENVIRONMENT;
            }
        }
        return INTERNAL;
    }

    /** The help footer's lines. */
    static String[] footer() {
        final String[] lines = new String[TABLE.size() + 2];
        lines[0] = "";
        lines[1] = "Exit codes:";
        for (int i = 0; i < TABLE.size(); i++) {
            lines[i + 2] = "  " + TABLE.get(i).code() + "  " + TABLE.get(i).meaning();
        }
        return lines;
    }
}
