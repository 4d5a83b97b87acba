package io.redisreplica.journal;

import java.io.File;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The bytes a file holds on disk, as {@code du} counts them, rather than its length: Chronicle
 * creates each cycle file sparse at its full size (80 MB and more) and fills it as entries come,
 * so the length says little about the disk a journal uses. The data extents are summed with
 * {@code lseek(SEEK_DATA/SEEK_HOLE)} on Linux; elsewhere, or where that fails, the length is the answer.
 *
 * <p>libc is called through JNA's direct mapping ({@link Libc}), not Chronicle's POSIX binding:
 * that one is JNR's, generated at run time, which a process that only reads journals does without
 * ({@link Journal#readOnlyProcess()}). JNA comes with Chronicle (its affinity library loads it at
 * Chronicle's start in any case).
 */
final class DataExtents {
    /** Linux's whence values (Chronicle's WhenceFlag has other platforms' numbers for these two). */
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int O_RDONLY = 0;
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");

    private DataExtents() {
    }

    static long of(File file) {
        final long length = file.length();
        if (!LINUX) {
            return length;
        }
        final int fd;
        try {
            fd = Libc.open(file.getPath(), O_RDONLY);
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
                final long data = Libc.lseek(fd, at, SEEK_DATA);
                if (data < 0) {
                    break; // ENXIO: no data after at
                }
                final long hole = Libc.lseek(fd, data, SEEK_HOLE);
                if (hole < 0) {
                    return length;
                }
                bytes += hole - data;
                at = hole;
            }
            return bytes;
        } finally {
            Libc.close(fd);
        }
    }

    /** The three libc calls, bound once by JNA's direct mapping (a failure to bind is a LinkageError at first use). */
    private static final class Libc {
        static {
            Native.register(Libc.class, Platform.C_LIBRARY_NAME);
        }

        private Libc() {
        }

        static native int open(String path, int flags);

        static native long lseek(int fd, long offset, int whence);

        static native int close(int fd);
    }
}
