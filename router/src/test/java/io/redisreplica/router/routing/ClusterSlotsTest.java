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

    @Test
    void shouldGiveTheByteAtATimeCrc16ForEveryLengthAndOffset() {
        final java.util.Random random = new java.util.Random(18);
        final byte[] bytes = new byte[64];
        for (int round = 0; round < 50; round++) {
            random.nextBytes(bytes);
            for (int offset = 0; offset < 9; offset++) {
                for (int length = 0; offset + length <= bytes.length; length++) {
                    assertEquals(bitwiseCrc16(bytes, offset, length), ClusterSlots.crc16(bytes, offset, length),
                        "offset " + offset + ", length " + length);
                }
            }
        }
    }

    @Test
    void shouldFindTheHashTagWhereverItsBracesAre() {
        final java.util.Random random = new java.util.Random(18);
        final byte[] alphabet = "ab{}".getBytes(StandardCharsets.US_ASCII); // braces often, in every position
        for (int round = 0; round < 20_000; round++) {
            final byte[] key = new byte[random.nextInt(40)];
            for (int i = 0; i < key.length; i++) {
                key[i] = random.nextInt(3) == 0 ? alphabet[random.nextInt(4)] : (byte) random.nextInt(256);
            }
            assertEquals(specSlot(key), ClusterSlots.slot(key, 0, key.length), () -> java.util.HexFormat.of().formatHex(key));
        }
    }

    /** keyHashSlot of the cluster spec: the first '{', the first '}' after it, a tag only when not empty. */
    private static int specSlot(byte[] key) {
        int s = 0;
        while (s < key.length && key[s] != '{') {
            s++;
        }
        if (s == key.length) {
            return bitwiseCrc16(key, 0, key.length) & 16383;
        }
        int e = s + 1;
        while (e < key.length && key[e] != '}') {
            e++;
        }
        if (e == key.length || e == s + 1) {
            return bitwiseCrc16(key, 0, key.length) & 16383;
        }
        return bitwiseCrc16(key, s + 1, e - s - 1) & 16383;
    }

    /** CRC16-XMODEM as the cluster spec defines it, a bit at a time. */
    private static int bitwiseCrc16(byte[] bytes, int offset, int length) {
        int crc = 0;
        for (int i = offset; i < offset + length; i++) {
            crc ^= (bytes[i] & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
            }
        }
        return crc;
    }
}
