package io.redisreplica.router.sinks.index;

import org.agrona.DirectBuffer;

/**
 * xxHash64 (Yann Collet's XXH64, the reference algorithm) of a key's bytes, seeded: the index keeps
 * this 64-bit hash instead of the key. Two keys of one database with the same hash are one key to
 * the index: with n keys in a db, a new key is taken for an existing one (a false {@code change},
 * and a later DEL of either removes the entry) with probability about n / 2^64 per command, 5.4e-13
 * for 10 million keys. The seed is random per index, so keys chosen to collide for one index do not
 * collide for another (XXH64 is not a cryptographic hash: keys crafted against a known seed can).
 * Never 0: 0 marks an empty slot.
 */
final class KeyHash {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private KeyHash() {
    }

    static long of(long seed, DirectBuffer b, int offset, int length) {
        final int end = offset + length;
        int p = offset;
        long h;
        if (length >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            final int limit = end - 32;
            do {
                v1 = round(v1, b.getLong(p, java.nio.ByteOrder.LITTLE_ENDIAN));
                v2 = round(v2, b.getLong(p + 8, java.nio.ByteOrder.LITTLE_ENDIAN));
                v3 = round(v3, b.getLong(p + 16, java.nio.ByteOrder.LITTLE_ENDIAN));
                v4 = round(v4, b.getLong(p + 24, java.nio.ByteOrder.LITTLE_ENDIAN));
                p += 32;
            } while (p <= limit);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = merge(h, v1);
            h = merge(h, v2);
            h = merge(h, v3);
            h = merge(h, v4);
        } else {
            h = seed + P5;
        }
        h += length;
        while (p + 8 <= end) {
            h ^= round(0, b.getLong(p, java.nio.ByteOrder.LITTLE_ENDIAN));
            h = Long.rotateLeft(h, 27) * P1 + P4;
            p += 8;
        }
        if (p + 4 <= end) {
            h ^= (b.getInt(p, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFFFFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            p += 4;
        }
        while (p < end) {
            h ^= (b.getByte(p) & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            p++;
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h == 0 ? 1 : h;
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long merge(long acc, long v) {
        acc ^= round(0, v);
        return acc * P1 + P4;
    }
}
