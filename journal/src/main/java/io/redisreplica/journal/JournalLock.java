package io.redisreplica.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Locks a writable journal to one process: a {@code LOCK} file holding the owner's pid, locked
 * with the OS (released even after kill -9), so two routers can never interleave appends.
 */
final class JournalLock implements AutoCloseable {
    private static final String FILE = "LOCK";

    private final FileChannel channel;
    private final FileLock lock;

    private JournalLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the journal directory if needed and locks it.
     *
     * @throws JournalException when the directory cannot be created or written, or another process (or this one) holds it
     */
    static JournalLock acquire(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new JournalException("cannot create journal directory " + dir + ": " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new JournalException("journal directory " + dir + " is not writable by this user");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            final FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new JournalException("journal " + dir + " is already open in this process");
            }
            if (lock == null) {
                final String holder = Files.readString(dir.resolve(FILE), StandardCharsets.UTF_8).trim();
                throw new JournalException("journal " + dir + " is in use by another process (" + holder + ")");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            final JournalLock acquired = new JournalLock(channel, lock);
            channel = null;
            return acquired;
        } catch (IOException e) {
            throw new JournalException("cannot lock journal " + dir + ": " + e, e);
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing with a better message
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
