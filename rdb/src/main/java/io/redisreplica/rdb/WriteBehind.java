package io.redisreplica.rdb;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@link RdbWriter}'s full buffers, fed to its CRC64 and written to its stream by an executor,
 * in order, while the splitter goes on reading: on a 1 GB split the outputs' CRC and writes are a
 * third of the work, and a second core takes them (one executor thread serves every shard's
 * writer; each writer's blocks are chained, so they run one after the other whatever the
 * executor). A writer has at most {@link #BLOCKS} blocks: a reader faster than the executor waits
 * for one to come back instead of holding more.
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
    private final Executor executor;
    private final ArrayBlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BLOCKS);
    private CompletableFuture<Void> pending = CompletableFuture.completedFuture(null);

    /** The writer holds one block of {@code blockSize}; the others are made here. */
    WriteBehind(OutputStream out, Crc64 crc, Executor executor, int blockSize) {
        this.out = out;
        this.crc = crc;
        this.executor = executor;
        for (int i = 1; i < BLOCKS; i++) {
            free.add(new byte[blockSize]);
        }
    }

    /**
     * Hands {@code block[0, length)}, written at stream offset {@code at}, over to the executor
     * and returns a free block to fill next.
     */
    byte[] handOver(byte[] block, int length, long at) {
        try {
            pending = pending.thenRunAsync(() -> {
                try {
                    out.write(block, 0, length);
                } catch (IOException e) {
                    throw new UncheckedIOException("writing RDB at offset " + at + ": " + e.getMessage(), e);
                }
                crc.update(block, 0, length);
                free.add(block);
            }, executor);
        } catch (RejectedExecutionException e) { // some executors refuse by throwing to the caller
            throw new IllegalStateException("the RDB write-behind executor refused a block", e);
        }
        return take();
    }

    /** Waits until every block handed over is written; throws what failed. */
    void await() {
        try {
            while (true) {
                try {
                    pending.get(100, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException e) {
                    failIfShutDown();
                }
            }
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the RDB writes", e);
        }
    }

    private static RuntimeException failure(Throwable cause) {
        final Throwable c = cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof UncheckedIOException io) {
            return new UncheckedIOException(io.getMessage(), io.getCause()); // this thread's stack, the writer's cause
        }
        return new IllegalStateException("the RDB write-behind task failed", c);
    }

    private void failIfShutDown() {
        // terminated, not shut down: after a graceful shutdown() the queued blocks still run
        if (executor instanceof ExecutorService service && service.isTerminated() && !pending.isDone()) {
            throw new IllegalStateException("the RDB write-behind executor was shut down with blocks still to write");
        }
    }

    private byte[] take() {
        try {
            while (true) {
                final byte[] b = free.poll(100, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
                if (pending.isCompletedExceptionally()) { // a write failed or was refused: its block never comes back
                    await();
                }
                failIfShutDown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an RDB write buffer", e);
        }
    }
}
