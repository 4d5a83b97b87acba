package io.redisreplica.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes the {@code checkpoint} file atomically: the new content goes to a temp file,
 * is fsynced, renamed over the old one, and the directory is fsynced. A crash at any point leaves
 * the old or the new checkpoint, never a torn one.
 */
final class CheckpointStore {
    static final String FILE = "checkpoint";
    private static final String TEMP = "checkpoint.tmp";

    private final Path dir;

    CheckpointStore(Path dir) {
        this.dir = dir;
    }

    Path file() {
        return dir.resolve(FILE);
    }

    /** The stored checkpoint, or an empty one when none was written yet. */
    Checkpoint read() {
        final Path file = file();
        if (!Files.exists(file)) {
            return new Checkpoint();
        }
        try {
            return Checkpoint.decode(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new JournalException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    void write(Checkpoint checkpoint) {
        final Path temp = dir.resolve(TEMP);
        final byte[] bytes = checkpoint.encode().getBytes(StandardCharsets.UTF_8);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
                final ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            Files.move(temp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // make the rename itself durable
            }
        } catch (IOException e) {
            throw new JournalException("cannot write checkpoint " + file() + " (" + e.getMessage()
                + "): the previous checkpoint is unchanged", e);
        }
    }
}
