package io.redisreplica.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.redisreplica.rdb.RdbWriter;

/**
 * What the launcher's class-data sharing run does besides {@code --help}: an {@code rdb split} of
 * a small RDB it writes, through the command line, into a temp directory it deletes after. The
 * archive holds the classes a run loads, so a split's start then maps the config parser's, the
 * shard map's, the reader's and the writers' classes from the archive instead of loading and
 * verifying them from the jar (a split of a 64 MB file is mostly its start).
 */
final class CdsTraining {
    private CdsTraining() {
    }

    static void run() {
        try {
            final Path dir = Files.createTempDirectory("redis-replica-cds-");
            try {
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
                Files.writeString(config, "upstream 127.0.0.1:6379\njournal " + dir.resolve("journal") + "\n"
                    + "shard a 127.0.0.1:7001 slots=0-8191\nshard b 127.0.0.1:7002 slots=8192-16383\n");
                final PrintWriter none = new PrintWriter(Writer.nullWriter());
                Main.commandLine(none, none).execute("rdb", "split", rdb.toString(), "-c", config.toString(), "-o",
                    dir.resolve("out").toString(), "--quiet");
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the class-data sharing training split: " + e.getMessage(), e);
        }
    }
}
