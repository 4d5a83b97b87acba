package io.redisreplica.testkit;

import java.util.function.BooleanSupplier;

/** Polls a condition until it holds: what tests wait on (a replica catching up, a state in INFO). */
public final class Await {
    private Await() {
    }

    /** Waits up to {@code timeoutMs} for {@code condition}, every 20 ms; fails naming {@code what}. */
    public static void until(String what, BooleanSupplier condition, long timeoutMs) {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** {@link #until(String, BooleanSupplier, long)} with 20 s. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, 20_000);
    }

    /** Sleeps {@code ms} between the polls of the fixtures' own loops; an interrupt ends the test. */
    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
