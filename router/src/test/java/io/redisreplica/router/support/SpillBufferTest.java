package io.redisreplica.router.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillBufferTest {
    @TempDir
    Path dir;

    @Test
    void staysOnTheHeapUpToItsLimit() {
        final SpillBuffer buffer = new SpillFiles(dir, 1024).buffer(16);
        buffer.putBytes(0, new byte[1000]);
        assertFalse(buffer.spilled());
        assertNotNull(buffer.byteArray());
    }

    @Test
    void movesToAMappedFileKeepingItsBytesWhenItGrowsPastTheHeapLimit() throws IOException {
        final SpillBuffer buffer = new SpillFiles(dir, 1024).buffer(64);
        final byte[] data = random(10 << 20);
        // in pieces, as entries are built: heap first, then the file, then the file mapped longer
        for (int at = 0; at < data.length; at += 4096) {
            buffer.putBytes(at, data, at, Math.min(4096, data.length - at));
        }
        assertTrue(buffer.spilled());
        assertNull(buffer.byteArray(), "the bytes are off the heap");
        final byte[] back = new byte[data.length];
        buffer.getBytes(0, back);
        assertArrayEquals(data, back);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "the spill file is unlinked once open: a crash leaves nothing behind");
        }
    }

    @Test
    void copiesToAndFromOtherBuffersWhenSpilled() {
        final SpillBuffer buffer = new SpillFiles(dir, 64).buffer(16);
        final byte[] data = random(100_000);
        buffer.putBytes(10, new UnsafeBuffer(data), 0, data.length);
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[data.length]);
        buffer.getBytes(10, copy, 0, data.length);
        assertArrayEquals(data, copy.byteArray());
        assertEquals(data[5], buffer.getByte(15));
    }

    @Test
    void releaseGoesBackToASmallHeapArrayKeepingThePrefixAskedFor() {
        final SpillBuffer buffer = new SpillFiles(dir, 64).buffer(16);
        final byte[] data = random(5000);
        buffer.putBytes(0, data);
        assertTrue(buffer.spilled());
        buffer.release(256, 100);
        assertFalse(buffer.spilled());
        assertEquals(256, buffer.capacity());
        final byte[] kept = new byte[100];
        buffer.getBytes(0, kept);
        assertArrayEquals(java.util.Arrays.copyOf(data, 100), kept);
        buffer.putBytes(0, data); // and it may spill again
        assertTrue(buffer.spilled());
    }

    @Test
    void shrinkLeavesABufferWithinTheSizeKeptAlone() {
        final SpillBuffer buffer = new SpillFiles(dir, 1024).buffer(256);
        buffer.putByte(0, (byte) 7);
        buffer.shrink(256);
        assertEquals(7, buffer.getByte(0), "a buffer within the size kept is not replaced");
    }

    @Test
    void shrinkTakesABufferThatGrewBackToItsInitialHeapArray() {
        final SpillBuffer buffer = new SpillFiles(dir, 1024).buffer(256);
        buffer.putBytes(0, new byte[5000]);
        buffer.shrink(1024);
        assertFalse(buffer.spilled());
        assertEquals(256, buffer.capacity());
    }

    @Test
    void aSpillDirectoryThatCannotBeCreatedSaysWhere() throws IOException {
        final Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        final SpillBuffer buffer = new SpillFiles(file.resolve("spill"), 64).buffer(16);
        final UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> buffer.putBytes(0, new byte[100]));
        assertTrue(e.getMessage().contains(file.resolve("spill").toString()), e.getMessage());
        buffer.putBytes(0, new byte[32]); // still usable within its heap part
    }

    private static byte[] random(int n) {
        final byte[] data = new byte[n];
        new Random(n).nextBytes(data);
        return data;
    }
}
