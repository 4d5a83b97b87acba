package io.redisreplica.tools;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import io.redisreplica.journal.Journal;

/**
 * Entry point of {@code redis-replica}. Its methods name no picocli type (the command line is
 * {@link Commands}'): the JVM loads every type in the main class's signatures before {@code main}
 * runs, and the root's help and version are printed without picocli ({@link RootHelp}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (Boolean.getBoolean("redis-replica.cds.training")) {
            CdsTraining.run(); // the launcher's class-data sharing run
            System.exit(0);
        }
        final byte[] rootHelp = RootHelp.text(args);
        if (rootHelp != null) { // the root's --help or --version without starting picocli
            System.out.write(rootHelp, 0, rootHelp.length);
            System.out.flush();
            System.exit(0);
        }
        if (CommandTree.readsJournalsOnly(args)) {
            Journal.readOnlyProcess(); // Chronicle's start without the native binding that only writing uses
            Journal.startChronicleInBackground(); // while picocli builds the command
        }
        // UTF-8 whatever the locale (JSON and keys are UTF-8), straight to the descriptors: System.out flushes every write
        final PrintWriter out = new StdoutWriter(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        final PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
        final int code = Commands.commandLine(out, err, args).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
