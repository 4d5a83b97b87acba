package io.redisreplica.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class LzfTest {
    @Test
    void shouldRoundTripCompressibleAndRandomData() {
        final Random random = new Random(11);
        for (int round = 0; round < 500; round++) {
            final int len = random.nextInt(5000) + 1;
            final byte[] in = new byte[len];
            final int alphabet = 1 + random.nextInt(round % 2 == 0 ? 4 : 256);
            for (int i = 0; i < len; i++) {
                in[i] = (byte) random.nextInt(alphabet);
            }
            final byte[] out = new byte[len + len / 16 + 64];
            final int clen = Lzf.compress(in, len, out);
            assertTrue(clen > 0, "fits with headroom");
            final byte[] back = new byte[len];
            assertTrue(Lzf.decompress(out, 0, clen, back, len), "round " + round);
            assertArrayEquals(in, back);
        }
    }

    @Test
    void shouldCompressRepetitiveData() {
        final byte[] in = "abcdefgh".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        final int clen = Lzf.compress(in, in.length, new byte[in.length]);
        assertTrue(clen > 0 && clen < in.length / 20, "compressed to " + clen);
    }

    @Test
    void shouldRefuseToExpandIntoTooSmallOutput() {
        final byte[] in = new byte[100];
        new Random(1).nextBytes(in);
        assertEquals(0, Lzf.compress(in, in.length, new byte[90]));
    }

    @Test
    void shouldRejectCorruptInputWithoutThrowing() {
        final byte[] text = "hello hello hello hello hello".getBytes(StandardCharsets.US_ASCII);
        final byte[] out = new byte[64];
        final int clen = Lzf.compress(text, text.length, out);
        final byte[] back = new byte[text.length];
        assertFalse(Lzf.decompress(out, 0, clen, back, text.length - 1), "wrong length");
        final Random random = new Random(5);
        for (int i = 0; i < 2000; i++) {
            final byte[] garbage = Arrays.copyOf(out, clen);
            garbage[random.nextInt(clen)] = (byte) random.nextInt(256);
            Lzf.decompress(garbage, 0, clen, back, text.length); // true or false, never an exception
        }
    }
}
