package io.redisreplica.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer killed while Chronicle created a file leaves it without its header (its first word 0,
 * or still marked not complete): no entry can be in it, and Chronicle, meeting it first, fails its
 * readers (an assertion, a NullPointerException) until an append renames it. The journal's lock
 * says no other writer is alive, so such a file is moved aside (to {@code NAME.half-made}) before
 * Chronicle opens the directory, and logged.
 */
final class HalfMadeFiles {
    private static final Logger LOG = LoggerFactory.getLogger(HalfMadeFiles.class);
    /** Chronicle's header word: the length of the file's first document, with this bit set while it is written. */
    private static final int NOT_COMPLETE = 0x80000000;

    private HalfMadeFiles() {
    }

    static void setAside(String name, Path dir) {
        final File[] files = dir.toFile().listFiles((d, n) -> n.endsWith(".cq4"));
        if (files == null) {
            return;
        }
        for (File file : files) {
            try (FileChannel channel = FileChannel.open(file.toPath())) {
                final ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                final int read = channel.read(word, 0);
                final int header = read == 4 ? word.getInt(0) : 0;
                if (header != 0 && (header & NOT_COMPLETE) == 0) {
                    continue;
                }
                final Path aside = file.toPath().resolveSibling(file.getName() + ".half-made");
                Files.move(file.toPath(), aside, StandardCopyOption.REPLACE_EXISTING);
                LOG.warn("journal shard {}: {} was created by a writer that died before writing its header (no entry can be in it): "
                    + "moved aside to {}", name, file.getName(), aside.getFileName());
            } catch (IOException e) {
                throw new JournalException("journal shard " + name + ": cannot check " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
