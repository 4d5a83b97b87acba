package io.redisreplica.examples;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.redisreplica.client.JournaledClient;
import io.redisreplica.client.ReplicationClient;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.resp.Command;

/**
 * {@link ChangeStream} with the client's journal keeping the position instead of the file: each
 * command is written as a line {@code OFFSET DB COMMAND ARGS...} and then acknowledged, and at
 * start the file is cut back to the acknowledged offset (a kill between the write and the
 * acknowledgement leaves a line that is delivered again). The commands delivered and not
 * acknowledged before a kill come from the journal, the rest from the master.
 *
 * <pre>java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED (and Chronicle Queue's flags) -cp ... \
 *     io.redisreplica.examples.JournaledChangeStream HOST PORT JOURNAL_DIR FILE</pre>
 */
public final class JournaledChangeStream {
    private JournaledChangeStream() {
    }

    public static void main(String[] args) throws IOException {
        final Path file = Path.of(args[3]);
        try (JournaledClient client = JournaledClient.open(ReplicationClient.options(args[0], Integer.parseInt(args[1])),
            new JournalContext().dir(Path.of(args[2])));
             var out = Files.newOutputStream(cutBack(file, client.acknowledged().offset()), StandardOpenOption.CREATE,
                 StandardOpenOption.APPEND)) {
            System.out.println("acknowledged " + client.acknowledged().offset());
            while (true) {
                if (client.snapshotPending()) {
                    client.readSnapshot(new RdbVisitor() { }); // this example wants changes only
                    out.write("# full resync\n".getBytes(StandardCharsets.UTF_8));
                    client.acknowledge();
                    continue;
                }
                final Command c = client.next(1_000);
                if (c == null) {
                    continue;
                }
                final StringBuilder line = new StringBuilder().append(client.position().offset()).append(' ').append(client.db());
                for (int i = 0; i < c.argCount(); i++) {
                    line.append(' ').append(c.argString(i).replace('\n', ' '));
                }
                out.write(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                client.acknowledge(); // after the line is written: a kill before this delivers the command again
            }
        }
    }

    /** Drops the lines after {@code acknowledged} and a line cut short; returns the file. */
    static Path cutBack(Path file, long acknowledged) throws IOException {
        if (!Files.exists(file)) {
            return file;
        }
        final byte[] bytes = Files.readAllBytes(file);
        int keep = 0;
        for (int start = 0, i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                final String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                if (!line.startsWith("#") && Long.parseLong(line.substring(0, line.indexOf(' '))) > acknowledged) {
                    break;
                }
                keep = i + 1;
                start = i + 1;
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(keep);
        }
        return file;
    }
}
