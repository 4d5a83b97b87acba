package io.redisreplica.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Crc64Test {
    @Test
    void shouldMatchRedisCheckValue() {
        // crc64.c's own test: "123456789" -> e9c6d914c4b8d9ca
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void shouldGiveSameValueWhateverTheChunking() {
        final byte[] data = new byte[10_000];
        new Random(3).nextBytes(data);
        final long whole = Crc64.of(data);
        final Crc64 bytewise = new Crc64();
        for (byte b : data) {
            bytewise.update(b);
        }
        assertEquals(whole, bytewise.value());
        final Crc64 chunked = new Crc64();
        for (int i = 0; i < data.length; i += 77) {
            chunked.update(data, i, Math.min(77, data.length - i));
        }
        assertEquals(whole, chunked.value());
    }
}
