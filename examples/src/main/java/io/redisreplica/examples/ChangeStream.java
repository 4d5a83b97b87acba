package io.redisreplica.examples;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import io.redisreplica.client.ReplicationClient;
import io.redisreplica.resp.Command;

/**
 * Prints a live master's change stream to a file, one command per line, and continues exactly
 * where it stopped after any kill: the file is its own state. Each line is {@code REPLID OFFSET
 * DB COMMAND ARGS...} (the offset after the command); at start the last whole line says where to
 * continue (PSYNC), and a line cut short by a kill is dropped first. A full resync (the master
 * does not have that history any more) is written as a {@code # full resync} line.
 *
 * <pre>java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp ... io.redisreplica.examples.ChangeStream HOST PORT FILE</pre>
 */
public final class ChangeStream {
    private ChangeStream() {
    }

    public static void main(String[] args) throws IOException {
        final Path file = Path.of(args[2]);
        final ReplicationClient.Position from = lastPosition(file);
        try (ReplicationClient client = ReplicationClient.connect(ReplicationClient.options(args[0], Integer.parseInt(args[1])), from);
             var out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            if (client.sync().full()) {
                client.readSnapshot(new io.redisreplica.rdb.RdbVisitor() { }); // this example wants changes only
                out.write(("# full resync " + client.sync().replid() + " " + client.sync().offset() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            System.out.println((client.sync().full() ? "full resync at " : "continued at ") + client.sync().offset());
            while (true) {
                final Command c = client.next(1_000);
                if (c == null) {
                    continue;
                }
                final ReplicationClient.Position at = client.position();
                final StringBuilder line = new StringBuilder().append(at.replid()).append(' ').append(at.offset()).append(' ')
                    .append(at.db());
                for (int i = 0; i < c.argCount(); i++) {
                    line.append(' ').append(c.argString(i).replace('\n', ' '));
                }
                out.write(line.append('\n').toString().getBytes(StandardCharsets.UTF_8)); // one write: a kill cuts at most this line
                out.flush();
            }
        }
    }

    /** The position of the file's last whole line, after dropping a line cut short; none for a new file. */
    static ReplicationClient.Position lastPosition(Path file) throws IOException {
        if (!Files.exists(file)) {
            return ReplicationClient.Position.NONE;
        }
        final byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (end < bytes.length) {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(end); // the line a kill cut short: written again from the master's stream
            }
        }
        final List<String> lines = new String(bytes, 0, end, StandardCharsets.UTF_8).lines().toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            final String[] w = lines.get(i).split(" ", 4);
            if (!lines.get(i).startsWith("#") && w.length >= 3) {
                return new ReplicationClient.Position(w[0], Long.parseLong(w[1]), Integer.parseInt(w[2]));
            }
        }
        return ReplicationClient.Position.NONE;
    }
}
