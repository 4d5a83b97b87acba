package io.redisreplica.server.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LagWindowTest {
    @Test
    void shouldForgetAStallAMinuteAfterItButKeepCountingIt() {
        final LagWindow w = new LagWindow();
        final long t0 = 1_000_000_000L;
        for (int s = 0; s < 30; s++) {
            w.record(5, t0 + s * 1000L);
        }
        w.record(3215, t0 + 30_000);
        final io.redisreplica.server.LagStats during = w.snapshot(t0 + 31_000);
        assertEquals(3215, during.maxMillis(), 2);
        assertEquals(5, during.p50Millis(), 0.1);
        assertEquals(31, during.count());
        for (int s = 31; s < 120; s++) {
            w.record(7, t0 + s * 1000L);
        }
        final io.redisreplica.server.LagStats after = w.snapshot(t0 + 120_000);
        assertEquals(7, after.maxMillis(), 0.1, "the stall has left the window");
        assertEquals(7, after.p99Millis(), 0.1);
        assertEquals(120, after.count(), "count and sum cover every ACK since streaming started");
        assertEquals(30 * 5 + 3215 + 89 * 7, after.sumMillis(), 20);
    }

    @Test
    void shouldBeEmptyAfterAMinuteWithoutAcks() {
        final LagWindow w = new LagWindow();
        w.record(40, 0);
        assertEquals(40, w.snapshot(1000).maxMillis(), 0.1);
        final io.redisreplica.server.LagStats later = w.snapshot(LagWindow.SLOT_MILLIS * (LagWindow.SLOTS + 1));
        assertEquals(0, later.maxMillis());
        assertEquals(1, later.count());
    }
}
