package io.redisreplica.server.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ClientGuardTest {
    @Test
    void shouldMatchOnlyThePortsUserAndTheExactPassword() {
        final ClientGuard guard = new ClientGuard("shard t");
        assertTrue(guard.matches("s3cret", null, "s3cret"));
        assertTrue(guard.matches("s3cret", "default", "s3cret"));
        assertFalse(guard.matches("s3cret", "nosuchuser", "s3cret"));
        assertFalse(guard.matches("s3cre", null, "s3cret"));
        assertFalse(guard.matches("s3cret ", null, "s3cret"));
        assertFalse(guard.matches("", null, "s3cret"));
        assertTrue(guard.matches("p\u00e4ss", null, "p\u00e4ss"));
        final ClientGuard named = new ClientGuard("shard t", "replicator");
        assertTrue(named.matches("s3cret", "replicator", "s3cret"));
        assertFalse(named.matches("s3cret", null, "s3cret"), "AUTH password is the default user");
        assertFalse(named.matches("s3cret", "default", "s3cret"));
    }

    @Test
    void shouldLetFiveWrongAttemptsPassThenDelayDoublingToTwoSecondsPerAddress() {
        final ClientGuard guard = new ClientGuard("shard t");
        final List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            delays.add(guard.authFailed("10.0.0.1"));
        }
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 100L, 200L, 400L, 800L, 1600L, 2000L, 2000L), delays);
        assertEquals(0, guard.authFailed("10.0.0.2"), "another address has its own count");
        guard.protocolFailed("10.0.0.3", "garbage");
        assertEquals(13, guard.authFailures());
        assertEquals(1, guard.protocolFailures());
    }

    @Test
    void shouldKeepOnlyPrintableAsciiInErrorReplies() {
        assertEquals("FOO??BAR", SafeText.of("FOO\r\nBAR"));
        assertEquals("?", SafeText.of("\u00e9"));
        assertEquals("x".repeat(64) + "...", SafeText.of("x".repeat(100)));
    }
}
