package io.redisreplica.router.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ClusterSlotsTest {
    private static int slot(String key) {
        final byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return ClusterSlots.slot(b, 0, b.length);
    }

    @Test
    void shouldMatchRedisClusterSpecValues() {
        final byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x31C3, ClusterSlots.crc16(check, 0, check.length)); // the cluster spec's check value
        assertEquals(12182, slot("foo")); // CLUSTER KEYSLOT foo
        assertEquals(slot("user1000"), slot("{user1000}.following"));
        assertEquals(slot("{user1000}.following"), slot("{user1000}.followers"));
        assertEquals(slot("foo{}{bar}"), slot("foo{}{bar}"), "empty tag: the whole key");
        assertEquals(slot("bar"), slot("foo{bar}{zap}"), "first tag only");
    }
}
