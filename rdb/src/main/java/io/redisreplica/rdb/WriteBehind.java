package io.redisreplica.rdb;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;

/**
 * An {@link RdbWriter}'s full buffers, fed to its CRC64 and written to its stream by an executor,
 * in order, while the splitter goes on reading: on a 1 GB split the outputs' CRC and writes are a
 * third of the work, and a second core takes them (one executor thread serves every shard's
 * writer; each writer's blocks are chained, so they run one after the other whatever the
 * executor). A writer has at most {@link #BLOCKS} blocks: a reader faster than the executor waits
 * for one to come back instead of holding more ({@link BlockChain}).
 *
 * <p>A failed write fails the chain: the next hand-over or {@link #await()} throws it (the
 * blocks after it are not written). An executor that is shut down with blocks queued, or refuses
 * one, fails the writer with an {@link IllegalStateException} instead of leaving it waiting.
 */
final class WriteBehind {
    static final int BLOCKS = 3;

    private final OutputStream out;
    /** Fed by the executor's tasks only, one after another; read after {@link #await()}. */
    private final Crc64 crc;
    private final BlockChain blocks;

    /** The writer holds one block of {@code blockSize}; the others are made here. */
    WriteBehind(OutputStream out, Crc64 crc, Executor executor, int blockSize) {
        this.out = out;
        this.crc = crc;
        this.blocks = new BlockChain(executor, "RDB write-behind", BLOCKS);
        for (int i = 1; i < BLOCKS; i++) {
            blocks.release(new byte[blockSize]);
        }
    }

    /**
     * Hands {@code block[0, length)}, written at stream offset {@code at}, over to the executor
     * and returns a free block to fill next.
     */
    byte[] handOver(byte[] block, int length, long at) {
        blocks.then(() -> {
            try {
                out.write(block, 0, length);
            } catch (IOException e) {
                throw new UncheckedIOException("writing RDB at offset " + at + ": " + e.getMessage(), e);
            }
            crc.update(block, 0, length);
            blocks.release(block);
        });
        return blocks.take();
    }

    /** Waits until every block handed over is written; throws what failed. */
    void await() {
        blocks.await();
    }
}
