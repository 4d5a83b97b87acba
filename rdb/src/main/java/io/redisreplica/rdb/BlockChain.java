package io.redisreplica.rdb;

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
 * Blocks of bytes processed on an executor in the order they are handed over (each task runs
 * after the one before, whatever the executor), from a bounded pool: a producer faster than the
 * executor waits for a block to come back instead of holding more. What {@link Crc64Offload} and
 * {@link WriteBehind} share.
 *
 * <p>A failed task fails the chain: the next {@link #take()} or {@link #await()} throws it. An
 * executor that is shut down with tasks queued (or refuses one) would otherwise leave the producer
 * waiting for ever for a block that never comes back: every wait polls and fails with an
 * {@link IllegalStateException} once the executor says it is terminated.
 */
final class BlockChain {
    private final Executor executor;
    /** Names the chain in errors ("the CRC64 executor ..."). */
    private final String what;
    private final ArrayBlockingQueue<byte[]> free;
    /** The last task: the next one is chained after it. */
    private CompletableFuture<Void> pending = CompletableFuture.completedFuture(null);

    BlockChain(Executor executor, String what, int blocks) {
        this.executor = executor;
        this.what = what;
        this.free = new ArrayBlockingQueue<>(blocks);
    }

    /** Puts a block in the pool: to fill the pool, and from a task done with its block. */
    void release(byte[] block) {
        free.add(block);
    }

    /** Runs {@code task} on the executor after every task handed over before it. */
    void then(Runnable task) {
        try {
            pending = pending.thenRunAsync(task, executor);
        } catch (RejectedExecutionException e) { // some executors refuse by throwing to the caller
            throw new IllegalStateException("the " + what + " executor refused a block", e);
        }
    }

    /** A free block, once a task has released one. */
    byte[] take() {
        try {
            while (true) {
                final byte[] b = free.poll(100, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
                if (pending.isCompletedExceptionally()) { // a task failed or was refused: its block never comes back
                    await();
                }
                failIfShutDown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a block of the " + what + " executor", e);
        }
    }

    /** Waits until every task handed over has run; throws what failed. */
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
            throw new IllegalStateException("interrupted while waiting for the " + what + " executor", e);
        }
    }

    private RuntimeException failure(Throwable cause) {
        final Throwable c = cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof UncheckedIOException io) {
            return new UncheckedIOException(io.getMessage(), io.getCause()); // this thread's stack, the task's cause
        }
        return new IllegalStateException("the " + what + " task failed", c);
    }

    private void failIfShutDown() {
        // terminated, not shut down: after a graceful shutdown() the queued tasks still run
        if (executor instanceof ExecutorService service && service.isTerminated() && !pending.isDone()) {
            throw new IllegalStateException("the " + what + " executor was shut down with blocks still to process");
        }
    }
}
