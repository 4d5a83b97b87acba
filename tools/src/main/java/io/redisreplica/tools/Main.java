package io.redisreplica.tools;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import picocli.CommandLine;

/** Entry point of {@code redis-replica}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (Boolean.getBoolean("redis-replica.cds.training")) {
            // the launcher's class-data sharing run (a --help): logging started too, so the archive
            // holds logback's classes for the commands that log, though --help itself logs nothing
            org.slf4j.LoggerFactory.getILoggerFactory();
            try {
                CdsTraining.run(); // and an rdb split, whose start is most of a small file's split
            } catch (java.io.UncheckedIOException e) { // no temp dir: the archive is still made, from --help alone
                System.err.println("class-data sharing training split skipped: " + e.getMessage());
            }
        }
        // UTF-8 whatever the locale (JSON and keys are UTF-8), straight to the descriptors: System.out flushes every write
        final PrintWriter out = new StdoutWriter(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        final PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
        final int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Every command's help ends with the one exit-code table. */
    private static void footer(CommandLine cli) {
        cli.getCommandSpec().usageMessage().footer(ExitCodes.footer());
        cli.getSubcommands().values().forEach(Main::footer);
    }

    /** The command line with its output streams: tests drive it with captured writers. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        final CommandLine cli = new CommandLine(new RootCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true); // --cross-shard stop, as the README writes it (every subcommand inherits it)
        footer(cli);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            final int code = ExitCodes.of(e);
            commandLine.getErr().println("error: " + ErrorMessages.of(e));
            if (code == ExitCodes.INTERNAL) {
                e.printStackTrace(commandLine.getErr()); // a bug: what a report needs
            }
            return code;
        });
        return cli;
    }
}
