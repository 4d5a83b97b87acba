package io.redisreplica.router.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AgentTest {
    @Test
    void shouldReportAThrowableThatEscapesTheLoopAsTheRoutersFailureOnce() throws Exception {
        final AtomicInteger told = new AtomicInteger();
        final CountDownLatch stopped = new CountDownLatch(1);
        final ErrorHandler errors = new ErrorHandler(() -> {
            told.incrementAndGet();
            stopped.countDown();
        });
        final Agent failing = new Agent("failing", errors, 1000) {
            @Override
            protected void run() {
                throw new OutOfMemoryError("test");
            }
        };
        failing.start();
        assertTrue(stopped.await(5, TimeUnit.SECONDS));
        errors.fatal("another loop", new IllegalStateException("after"));
        assertEquals(1, told.get(), "the owner is told once");
        assertEquals("failing: java.lang.OutOfMemoryError: test", errors.failure());
        failing.close();
    }

    @Test
    void shouldWakeAndJoinTheLoopOnCloseWithoutCallingItAFailure() throws Exception {
        final ErrorHandler errors = ErrorHandler.recording();
        final CountDownLatch running = new CountDownLatch(1);
        final Object lock = new Object();
        final Agent waiting = new Agent("waiting", errors, 5000) {
            @Override
            protected void run() throws InterruptedException {
                running.countDown();
                synchronized (lock) {
                    while (!closing()) {
                        lock.wait();
                    }
                }
                throw new IllegalStateException("ended by close"); // not a failure: it was closing
            }

            @Override
            protected void wake() {
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        };
        waiting.start();
        assertTrue(running.await(5, TimeUnit.SECONDS));
        waiting.close();
        assertFalse(waiting.running(), "joined");
        assertNull(errors.failure());
    }
}
