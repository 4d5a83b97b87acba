package io.redisreplica.bench;

import java.util.Random;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.RespWriter;

/**
 * Bytes shaped like a master's replication stream: SET, HSET, INCR and ZADD with keys of 10-30
 * bytes and values of 10-200 bytes, as a write-heavy application produces.
 */
final class ReplicationStream {
    private ReplicationStream() {
    }

    static byte[] generate(int targetBytes, long seed) {
        final Random random = new Random(seed);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(targetBytes + 4096);
        final RespWriter w = new RespWriter().wrap(buffer, 0);
        final byte[] value = new byte[200];
        while (w.length() < targetBytes) {
            final String key = "user:" + random.nextInt(1_000_000) + ":profile".substring(0, random.nextInt(9));
            final int len = 10 + random.nextInt(191);
            for (int i = 0; i < len; i++) {
                value[i] = (byte) ('a' + random.nextInt(26));
            }
            switch (random.nextInt(4)) {
                case 0 -> w.arrayHeader(3).bulk("SET").bulk(key).bulk(new org.agrona.concurrent.UnsafeBuffer(value), 0, len);
                case 1 -> w.arrayHeader(4).bulk("HSET").bulk(key).bulk("field" + random.nextInt(20))
                    .bulk(new org.agrona.concurrent.UnsafeBuffer(value), 0, len);
                case 2 -> w.arrayHeader(2).bulk("INCR").bulk(key);
                default -> w.arrayHeader(4).bulk("ZADD").bulk(key).bulk(random.nextInt(100000))
                    .bulk(new org.agrona.concurrent.UnsafeBuffer(value), 0, len);
            }
        }
        final byte[] out = new byte[w.length()];
        buffer.getBytes(0, out);
        return out;
    }
}
