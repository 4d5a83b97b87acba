package io.redisreplica.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes written now and copied out later, in memory up to a cap and in a temp file past it: what
 * the splitter builds a rewritten collection in, since its element count goes before its elements
 * and is known only at the end. Heap use stays at the cap whatever the collection's size.
 */
final class SpillingOutput extends OutputStream {
    private final int memoryCap;
    private byte[] memory = new byte[4096];
    private int length;
    private Path file;
    private OutputStream spill;
    private long spilled;

    SpillingOutput(int memoryCap) {
        this.memoryCap = memoryCap;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        try {
            if (spill == null && length + len > memoryCap) {
                file = Files.createTempFile("redis-replica-spill-", ".bin");
                spill = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            }
            if (spill != null) {
                spill.write(b, off, len);
                spilled += len;
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("spilling a collection to a temp file: " + e.getMessage(), e);
        }
        if (memory.length < length + len) {
            memory = java.util.Arrays.copyOf(memory, Math.max(length + len, Math.min(memory.length * 2, memoryCap)));
        }
        System.arraycopy(b, off, memory, length, len);
        length += len;
    }

    /** Copies everything written to {@code out}, in order, then forgets it (the temp file is deleted). */
    void copyTo(RdbWriter out) {
        out.write(memory, 0, length);
        if (spill != null) {
            try {
                spill.close();
                try (InputStream in = Files.newInputStream(file)) {
                    final byte[] chunk = new byte[1 << 16];
                    int n;
                    while ((n = in.read(chunk)) > 0) {
                        out.write(chunk, 0, n);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading back a spilled collection: " + e.getMessage(), e);
            }
        }
        reset();
    }

    /** Forgets what was written. */
    void reset() {
        length = 0;
        spilled = 0;
        if (spill != null) {
            try {
                spill.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            spill = null;
            file = null;
        }
        if (memory.length > 1 << 20) {
            memory = new byte[4096]; // a big collection's memory goes back, not kept for the rest of the file
        }
    }
}
