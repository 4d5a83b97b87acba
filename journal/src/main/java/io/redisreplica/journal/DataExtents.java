package io.redisreplica.journal;

import java.io.File;

import net.openhft.posix.PosixAPI;
import net.openhft.posix.OpenFlag;

/**
 * The bytes a file holds on disk, as {@code du} counts them, rather than its length: Chronicle
 * creates each cycle file sparse at its full size (80 MB and more) and fills it as entries come,
 * so the length says little about the disk a journal uses. The data extents are summed with
 * {@code lseek(SEEK_DATA/SEEK_HOLE)} on Linux; elsewhere, or where that fails, the length is the answer.
 */
final class DataExtents {
    /** Linux's whence values (Chronicle's WhenceFlag has other platforms' numbers for these two). */
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");

    private DataExtents() {
    }

    static long of(File file) {
        final long length = file.length();
        if (!LINUX) {
            return length;
        }
        final PosixAPI posix;
        final int fd;
        try {
            posix = PosixAPI.posix();
            fd = posix.open(file.getPath(), OpenFlag.O_RDONLY, 0);
        } catch (RuntimeException | LinkageError e) {
            return length; // no native access here: the length, never less than the truth
        }
        if (fd < 0) {
            return length;
        }
        try {
            long bytes = 0;
            long at = 0;
            while (at < length) {
                final long data = posix.lseek(fd, at, SEEK_DATA);
                if (data < 0) {
                    break; // ENXIO: no data after at
                }
                final long hole = posix.lseek(fd, data, SEEK_HOLE);
                if (hole < 0) {
                    return length;
                }
                bytes += hole - data;
                at = hole;
            }
            return bytes;
        } finally {
            posix.close(fd);
        }
    }
}
