package io.redisreplica.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;

/**
 * The launcher's class-data sharing run ({@code -Dredis-replica.cds.training=true}, under
 * {@code -XX:ArchiveClassesAtExit}): loads what the commands' starts load, so the archive holds it.
 * Every command's help (the commands' own classes; picocli's are Java 5 bytecode, which the JVM
 * does not archive), logging, and a {@code journal ls} of a journal made here in a temp dir (Chronicle
 * Queue's classes, most of what a journal command's start spent). Prints nothing; a part that fails
 * only leaves its classes out of the archive.
 */
final class CdsTraining {
    private CdsTraining() {
    }

    static void run() {
        org.slf4j.LoggerFactory.getILoggerFactory(); // logback, configured as the commands that log configure it
        final PrintWriter none = new PrintWriter(new StringWriter());
        Main.commandLine(none, none).execute("--help");
        Path dir = null;
        try {
            dir = Files.createTempDirectory("redis-replica-cds");
            try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
                journal.shard("a").writer(0).append(1, 0, 0, "*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            Main.commandLine(none, none, new String[] {"journal", "ls", dir.toString()}).execute("journal", "ls", dir.toString());
        } catch (IOException | RuntimeException e) {
            // its classes stay out of the archive: starts are slower, nothing else
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind
        }
    }
}
