package io.redisreplica.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.rdb.RdbWriter;

/**
 * The launcher's class-data sharing run ({@code -Dredis-replica.cds.training=true}, under
 * {@code -XX:DumpLoadedClassList}, from which the launcher dumps a static archive): loads what the
 * commands' starts load, so the archive holds it and a start maps those classes instead of loading
 * and verifying them from the jar. Every command's help (the commands' and picocli's classes),
 * logging, a {@code journal ls} of a journal made here (Chronicle Queue's classes, most of what a
 * journal command's start spent) and an {@code rdb split} of a small RDB written here (the config
 * parser's, the shard map's, the reader's and the writers' classes: a split of a 64 MB file is mostly
 * its start), all in a temp dir deleted after. Prints nothing; a part that fails only leaves its
 * classes out of the archive.
 */
final class CdsTraining {
    private CdsTraining() {
    }

    static void run() {
        org.slf4j.LoggerFactory.getILoggerFactory(); // logback, configured as the commands that log configure it
        final PrintWriter none = new PrintWriter(Writer.nullWriter());
        Commands.commandLine(none, none).execute("--help");
        Path dir = null;
        try {
            dir = Files.createTempDirectory("redis-replica-cds");
            journalLs(dir, none);
            rdbSplit(dir, none);
        } catch (IOException | RuntimeException e) {
            // its classes stay out of the archive: starts are slower, nothing else
        } finally {
            delete(dir);
        }
    }

    private static void journalLs(Path dir, PrintWriter none) {
        final Path journal = dir.resolve("journal");
        try (Journal j = Journal.open(new JournalContext().dir(journal).minFreeBytes(0))) {
            j.shard("a").writer(0).append(1, 0, 0, "*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        final String[] args = {"journal", "ls", journal.toString()};
        Commands.commandLine(none, none, args).execute(args);
    }

    private static void rdbSplit(Path dir, PrintWriter none) throws IOException {
        final Path rdb = dir.resolve("training.rdb");
        try (OutputStream out = Files.newOutputStream(rdb)) {
            final RdbWriter writer = new RdbWriter(out, 4096);
            writer.header(9);
            writer.selectDb(0);
            for (int i = 0; i < 1000; i++) {
                writer.stringEntry(("key:" + i).getBytes(StandardCharsets.US_ASCII),
                    ("value of key " + i + " long enough for LZF to try it").getBytes(StandardCharsets.US_ASCII), -1);
            }
            writer.finish();
        }
        final Path config = dir.resolve("router.conf");
        Files.writeString(config, "upstream 127.0.0.1:6379\njournal " + dir.resolve("unused") + "\n"
            + "shard a 127.0.0.1:7001 slots=0-8191\nshard b 127.0.0.1:7002 slots=8192-16383\n");
        final String[] args = {"rdb", "split", rdb.toString(), "-c", config.toString(), "-o", dir.resolve("out").toString(), "--quiet"};
        Commands.commandLine(none, none, args).execute(args);
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
