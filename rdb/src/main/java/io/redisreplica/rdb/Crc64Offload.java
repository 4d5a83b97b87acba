package io.redisreplica.rdb;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The running CRC64 of the bytes an {@link RdbInput} consumes, computed on another thread: the
 * reader copies what it consumes into blocks, and the executor folds each full block into the
 * CRC, in order, while the reader parses on (on a 1 GB dump the CRC is a fifth of the reader's
 * time; a copy is a small part of that). Reading the value waits for the blocks handed over. At
 * most {@link #BLOCKS} blocks exist: a reader faster than the CRC waits for one to come back
 * instead of holding more.
 *
 * <p>An executor that is shut down with blocks queued (or refuses one) would otherwise leave the
 * reader waiting for ever for a block or a value that never comes: every wait here polls and fails
 * with an {@link IllegalStateException} once the executor says it is shut down.
 */
final class Crc64Offload {
    private static final int BLOCK = 256 * 1024;
    private static final int BLOCKS = 4;

    private final Executor executor;
    /** Written by the executor's tasks only, one after another; read after {@link #pending} completed. */
    private final Crc64 crc = new Crc64();
    private final ArrayBlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BLOCKS);
    /** The last block's task: each block's task runs after the one before, whatever the executor. */
    private CompletableFuture<Void> pending = CompletableFuture.completedFuture(null);
    private byte[] block;
    private int length;

    Crc64Offload(Executor executor) {
        this.executor = executor;
        for (int i = 0; i < BLOCKS; i++) {
            free.add(new byte[BLOCK]);
        }
    }

    void update(byte[] b, int offset, int len) {
        while (len > 0) {
            if (block == null) {
                block = take();
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
        awaitPending();
        return crc.value();
    }

    private void awaitPending() {
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
            throw new IllegalStateException("the CRC64 thread failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the CRC64 thread", e);
        }
    }

    private void failIfShutDown() {
        // terminated, not shut down: after a graceful shutdown() the queued blocks still run
        if (executor instanceof ExecutorService service && service.isTerminated() && !pending.isDone()) {
            throw new IllegalStateException("the CRC64 executor was shut down with blocks still to fold in");
        }
    }

    private void handOver() {
        final byte[] full = block;
        final int n = length;
        block = null;
        length = 0;
        try {
            pending = pending.thenRunAsync(() -> {
                crc.update(full, 0, n);
                free.add(full);
            }, executor);
        } catch (RejectedExecutionException e) { // some executors refuse by throwing to the caller
            throw new IllegalStateException("the CRC64 executor refused a block", e);
        }
    }

    private byte[] take() {
        try {
            while (true) {
                final byte[] b = free.poll(100, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
                if (pending.isCompletedExceptionally()) { // a task failed or was refused: its block never comes back
                    awaitPending();
                }
                failIfShutDown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the CRC64 thread", e);
        }
    }
}
