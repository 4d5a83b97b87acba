package io.redisreplica.tools;

import java.io.PrintWriter;

import picocli.CommandLine;

/** Entry point of {@code redis-replica}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args));
    }

    /** The command line with its output streams: tests drive it with captured writers. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        final CommandLine cli = new CommandLine(new RootCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true); // --cross-shard stop, as the README writes it
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            if (e instanceof io.redisreplica.router.shard.ShardMapChangedException) {
                return ExitCodes.SHARD_MAP_CHANGED;
            }
            return e instanceof io.redisreplica.rdb.RdbFormatException || e instanceof io.redisreplica.router.config.ConfigException
                || e instanceof io.redisreplica.journal.JournalException || e instanceof IllegalArgumentException ? ExitCodes.BAD_INPUT : ExitCodes.ENVIRONMENT;
        });
        return cli;
    }
}
