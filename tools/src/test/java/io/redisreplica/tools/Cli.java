package io.redisreplica.tools;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the launcher in-process with captured output, as a user would from a shell. */
record Cli(int exit, String out, String err) {
    static Cli run(String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = Commands.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }
}
