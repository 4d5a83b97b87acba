package io.redisreplica.router.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RetryBackoffTest {
    private static void assertWaitWithin(RetryBackoff backoff, long bound) {
        assertEquals(bound, backoff.current());
        final long wait = backoff.next();
        assertTrue(wait >= bound / 2 && wait <= bound, wait + " within [" + bound / 2 + ", " + bound + "]");
    }

    @Test
    void shouldDoubleFromAHundredMillisecondsUpToFiveSecondsWithJitter() {
        final RetryBackoff backoff = new RetryBackoff();
        for (long bound : new long[] {100, 200, 400, 800, 1600, 3200, 5000, 5000}) {
            assertWaitWithin(backoff, bound);
        }
    }

    @Test
    void shouldWaitAtLeastTenSecondsUpToAMinuteAfterAFailedFullSync() {
        final RetryBackoff backoff = new RetryBackoff();
        backoff.fullSyncFailed();
        for (long bound : new long[] {10_000, 20_000, 40_000, 60_000, 60_000}) {
            assertWaitWithin(backoff, bound);
        }
    }

    @Test
    void shouldStartOverAfterAReset() {
        final RetryBackoff backoff = new RetryBackoff();
        backoff.fullSyncFailed();
        backoff.next();
        backoff.reset();
        assertWaitWithin(backoff, 100);
    }
}
