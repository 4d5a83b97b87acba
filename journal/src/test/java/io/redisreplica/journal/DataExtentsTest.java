package io.redisreplica.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.openhft.posix.OpenFlag;
import net.openhft.posix.PosixAPI;

class DataExtentsTest {
    @TempDir
    Path dir;

    /** What the journal counted before it called lseek through JNA: the same calls through Chronicle's POSIX binding. */
    private static long throughChronicle(Path file, long length) {
        final PosixAPI posix = PosixAPI.posix();
        final int fd = posix.open(file.toString(), OpenFlag.O_RDONLY, 0);
        assertTrue(fd >= 0, file.toString());
        long bytes = 0;
        try {
            for (long at = 0; at < length; ) {
                final long data = posix.lseek(fd, at, 3); // SEEK_DATA
                if (data < 0) {
                    break;
                }
                final long hole = posix.lseek(fd, data, 4); // SEEK_HOLE
                bytes += hole - data;
                at = hole;
            }
        } finally {
            posix.close(fd);
        }
        return bytes;
    }

    @Test
    void shouldCountASparseFilesDataAsChroniclesBindingDidNotItsLength() throws Exception {
        final Path file = dir.resolve("sparse.cq4");
        final long length = 16L << 20;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length); // as Chronicle makes a cycle file: its full size, holes until written
            for (long at : new long[] {0, 1 << 20, 8L << 20}) {
                f.seek(at);
                f.write(new byte[8192]);
            }
            f.getFD().sync();
        }
        final long counted = DataExtents.of(file.toFile());
        assertEquals(throughChronicle(file, length), counted);
        assertTrue(counted > 0 && counted < length, "data " + counted + " of " + length);
    }
}
