package io.redisreplica.rdb;

import java.util.concurrent.Executor;

/**
 * The running CRC64 of the bytes an {@link RdbInput} consumes, computed on another thread: the
 * reader copies what it consumes into blocks, and the executor folds each full block into the
 * CRC, in order, while the reader parses on (on a 1 GB dump the CRC is a fifth of the reader's
 * time; a copy is a small part of that). Reading the value waits for the blocks handed over. At
 * most {@link #BLOCKS} blocks exist: a reader faster than the CRC waits for one to come back
 * instead of holding more ({@link BlockChain}, which also fails the reader rather than leave it
 * waiting when the executor is shut down with blocks queued or refuses one).
 */
final class Crc64Offload {
    private static final int BLOCK = 256 * 1024;
    private static final int BLOCKS = 4;

    /** Written by the executor's tasks only, one after another; read after {@link BlockChain#await()}. */
    private final Crc64 crc = new Crc64();
    private final BlockChain blocks;
    private byte[] block;
    private int length;

    Crc64Offload(Executor executor) {
        this.blocks = new BlockChain(executor, "CRC64", BLOCKS);
        for (int i = 0; i < BLOCKS; i++) {
            blocks.release(new byte[BLOCK]);
        }
    }

    void update(byte[] b, int offset, int len) {
        while (len > 0) {
            if (block == null) {
                block = blocks.take();
            }
            final int n = Math.min(len, BLOCK - length);
            System.arraycopy(b, offset, block, length, n);
            length += n;
            offset += n;
            len -= n;
            if (length == BLOCK) {
                handOver();
            }
        }
    }

    /** The CRC of every byte passed to {@link #update}, once the executor has folded them in. */
    long value() {
        if (length > 0) {
            handOver();
        }
        blocks.await();
        return crc.value();
    }

    private void handOver() {
        final byte[] full = block;
        final int n = length;
        block = null;
        length = 0;
        blocks.then(() -> {
            crc.update(full, 0, n);
            blocks.release(full);
        });
    }
}
