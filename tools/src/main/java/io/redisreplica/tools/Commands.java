package io.redisreplica.tools;

import java.io.PrintWriter;

import picocli.CommandLine;

/**
 * The picocli command line with its output streams: what {@link Main} runs and tests drive with
 * captured writers. Apart from {@code Main} so that a start which prints the root's help
 * ({@link RootHelp}) loads no picocli class: the JVM resolves every type in the signatures of the
 * main class's methods before it calls {@code main}.
 */
public final class Commands {
    private Commands() {
    }

    /** Every command built: tests drive it with captured writers. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, null);
    }

    /** The command line for these arguments ({@link CommandTree#addFor}), or every command built when null. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String[] args) {
        final CommandLine cli = new CommandLine(new RootCommand());
        if (args == null) {
            CommandTree.addAll(cli);
        } else {
            CommandTree.addFor(cli, args);
        }
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

    /** Every command's help ends with the one exit-code table. */
    private static void footer(CommandLine cli) {
        cli.getCommandSpec().usageMessage().footer(ExitCodes.footer());
        cli.getSubcommands().values().forEach(Commands::footer);
    }
}
