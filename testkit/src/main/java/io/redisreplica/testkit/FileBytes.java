package io.redisreplica.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Where bytes stand in a file, read a block at a time (journal files run to tens of MB): for tests that damage one on purpose. */
public final class FileBytes {
    private FileBytes() {
    }

    /** The position of the first occurrence of {@code needle}, or -1. */
    public static long first(Path file, String needle) throws IOException {
        return find(file, needle, false);
    }

    /** The position of the last occurrence of {@code needle}, or -1. */
    public static long last(Path file, String needle) throws IOException {
        return find(file, needle, true);
    }

    private static long find(Path file, String needle, boolean last) throws IOException {
        final byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        final ByteBuffer block = ByteBuffer.allocate(1 << 20);
        long found = -1;
        try (FileChannel channel = FileChannel.open(file)) {
            for (long base = 0; base < channel.size(); base += block.capacity() - n.length) {
                block.clear();
                final int read = channel.read(block, base);
                for (int i = 0; i + n.length <= read; i++) {
                    int k = 0;
                    while (k < n.length && block.get(i + k) == n[k]) {
                        k++;
                    }
                    if (k == n.length) {
                        if (!last) {
                            return base + i;
                        }
                        found = base + i;
                    }
                }
            }
        }
        return found;
    }
}
