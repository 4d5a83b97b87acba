package io.redisreplica.client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import io.redisreplica.journal.JournalContext;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.resp.Command;

/**
 * The application {@link JournaledClientKillIntegrationTest} kills: it writes each command's
 * offset and last argument as a line to a file and acknowledges every 7 commands (and when idle),
 * inside transactions too. It applies a MULTI/EXEC whole: the commands inside are held in memory
 * and written at the EXEC, each line with the EXEC's offset, so a restart that delivered only a
 * transaction's tail would lose its head. At start it cuts the file back to its acknowledged
 * position, as an application rolls its state back to its last acknowledgement: what it wrote
 * after it is delivered again.
 *
 * <pre>JournaledApp HOST PORT JOURNAL_DIR OUT_FILE</pre>
 */
public final class JournaledApp {
    private JournaledApp() {
    }

    public static void main(String[] args) throws IOException {
        final Path file = Path.of(args[3]);
        try (JournaledClient client = JournaledClient.open(ReplicationClient.options(args[0], Integer.parseInt(args[1])),
            new JournalContext().dir(Path.of(args[2])).minFreeBytes(0))) {
            rollBack(file, client.acknowledged().offset());
            System.out.println("acknowledged " + client.acknowledged());
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                int unacknowledged = 0;
                final List<String> transaction = new ArrayList<>();
                while (true) {
                    if (client.snapshotPending()) {
                        client.readSnapshot(new RdbVisitor() { });
                        client.acknowledge();
                        System.out.println("snapshot at " + client.position());
                        continue;
                    }
                    final Command c = client.next(200);
                    if (c == null) {
                        if (unacknowledged > 0) {
                            client.acknowledge();
                            unacknowledged = 0;
                        }
                        continue;
                    }
                    final String name = c.argString(0);
                    if (client.inTransaction()) {
                        if (!name.equalsIgnoreCase("MULTI")) {
                            transaction.add(c.argString(c.argCount() - 1));
                        }
                    } else if (name.equalsIgnoreCase("EXEC")) {
                        write(out, client.position().offset(), transaction);
                        transaction.clear();
                    } else {
                        write(out, client.position().offset(), List.of(c.argString(c.argCount() - 1)));
                    }
                    if (++unacknowledged == 7) {
                        client.acknowledge();
                        unacknowledged = 0;
                    }
                }
            }
        }
    }

    private static void write(OutputStream out, long offset, List<String> values) throws IOException {
        final StringBuilder lines = new StringBuilder();
        for (String v : values) {
            lines.append(offset).append(' ').append(v).append('\n');
        }
        out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
        out.flush(); // in the OS's hands: a kill of this process does not lose it
    }

    /** Drops the lines after {@code acknowledged} (and a line a kill cut short). */
    private static void rollBack(Path file, long acknowledged) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        final byte[] bytes = Files.readAllBytes(file);
        long keep = 0;
        int lineStart = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                final String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
                if (Long.parseLong(line.substring(0, line.indexOf(' '))) > acknowledged) {
                    break;
                }
                keep = i + 1;
                lineStart = i + 1;
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(keep);
        }
    }
}
