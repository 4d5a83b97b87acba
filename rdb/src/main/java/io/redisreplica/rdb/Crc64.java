package io.redisreplica.rdb;

/**
 * The CRC-64 that Redis puts at the end of an RDB file (version 5 on): the Jones polynomial
 * ({@code 0xad93d23594c935a9}), reflected, initial value 0, no final xor; {@code "123456789"}
 * gives {@code 0xe9c6d914c4b8d9ca}. Slice-by-8, so checking the input and writing N outputs
 * stays far from the bottleneck of a split.
 *
 * <p>A run of {@link #LANES_FROM} bytes or more is cut in four lanes whose CRCs are computed side by
 * side and then combined ({@code crc(A||B) = crc(A)·x^(8|B|) ^ crc(B)} mod P, as zlib's
 * {@code crc32_combine} and Redis 7.2's {@code crc64_combine}): one lane's table lookups wait on
 * its previous step, four lanes keep the core busy: with the tables in one array, large runs go
 * about 1.4x faster (the CRC was two thirds of a split's time on a 1 GB file).
 */
public final class Crc64 {
    private static final long POLY_REFLECTED = 0x95ac9329ac4bc9b5L;
    private static final long[][] TABLES = new long[8][256];
    private static final java.lang.invoke.VarHandle LONG_LE =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
            }
            TABLES[0][i] = crc;
        }
        for (int t = 1; t < 8; t++) {
            for (int i = 0; i < 256; i++) {
                final long prev = TABLES[t - 1][i];
                TABLES[t][i] = (prev >>> 8) ^ TABLES[0][(int) (prev & 0xff)];
            }
        }
    }

    /** Runs at least this long are computed in four lanes. */
    static final int LANES_FROM = 4096;
    /** x^(2^k) mod P, reflected: X2N[k]. */
    private static final long[] X2N = new long[64];
    /** TABLES in one array, table t at t * 256: the lanes' loop reads one array, not eight (about 30% faster). */
    private static final long[] FLAT = new long[8 * 256];

    static {
        for (int t = 0; t < 8; t++) {
            System.arraycopy(TABLES[t], 0, FLAT, t * 256, 256);
        }
        long p = 1L << 62; // x^1
        for (int k = 0; k < 64; k++) {
            X2N[k] = p;
            p = multModP(p, p);
        }
    }

    private long crc;
    /** The last lane length and its x^(8·lane): runs come in the same few sizes (whole buffers). */
    private int lastLane;
    private long lastShift;

    public void reset() {
        crc = 0;
    }

    public long value() {
        return crc;
    }

    public void update(int b) {
        crc = TABLES[0][(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
    }

    public void update(byte[] bytes, int offset, int length) {
        long c = crc;
        int i = offset;
        final int end = offset + length;
        if (length >= LANES_FROM) {
            final int lane = (length >>> 2) & ~7;
            if (lane != lastLane) {
                lastLane = lane;
                lastShift = xPow8n(lane);
            }
            c = lanes(bytes, offset, lane, c, lastShift);
            i = offset + 4 * lane;
        }
        final long[] t0 = TABLES[0];
        final long[] t1 = TABLES[1];
        final long[] t2 = TABLES[2];
        final long[] t3 = TABLES[3];
        final long[] t4 = TABLES[4];
        final long[] t5 = TABLES[5];
        final long[] t6 = TABLES[6];
        final long[] t7 = TABLES[7];
        while (end - i >= 8) {
            c ^= (long) LONG_LE.get(bytes, i); // one 8-byte load, not eight loads and shifts
            c = t7[(int) (c & 0xff)] ^ t6[(int) ((c >>> 8) & 0xff)] ^ t5[(int) ((c >>> 16) & 0xff)]
                ^ t4[(int) ((c >>> 24) & 0xff)] ^ t3[(int) ((c >>> 32) & 0xff)] ^ t2[(int) ((c >>> 40) & 0xff)]
                ^ t1[(int) ((c >>> 48) & 0xff)] ^ t0[(int) (c >>> 56)];
            i += 8;
        }
        while (i < end) {
            c = t0[(int) ((c ^ bytes[i++]) & 0xff)] ^ (c >>> 8);
        }
        crc = c;
    }

    /** The CRC of 4 * {@code lane} bytes from {@code offset} on, continuing {@code c}. */
    private static long lanes(byte[] bytes, int offset, int lane, long c, long shift) {
        long c1 = 0;
        long c2 = 0;
        long c3 = 0;
        for (int i = offset, end = offset + lane; i < end; i += 8) {
            c = step(c ^ (long) LONG_LE.get(bytes, i));
            c1 = step(c1 ^ (long) LONG_LE.get(bytes, i + lane));
            c2 = step(c2 ^ (long) LONG_LE.get(bytes, i + 2 * lane));
            c3 = step(c3 ^ (long) LONG_LE.get(bytes, i + 3 * lane));
        }
        c = multModP(shift, c) ^ c1;
        c = multModP(shift, c) ^ c2;
        return multModP(shift, c) ^ c3;
    }

    /** Eight bytes of CRC at once: {@code c} already holds them xored in. */
    private static long step(long c) {
        final long[] t = FLAT;
        return t[7 * 256 + (int) (c & 0xff)] ^ t[6 * 256 + (int) ((c >>> 8) & 0xff)] ^ t[5 * 256 + (int) ((c >>> 16) & 0xff)]
            ^ t[4 * 256 + (int) ((c >>> 24) & 0xff)] ^ t[3 * 256 + (int) ((c >>> 32) & 0xff)]
            ^ t[2 * 256 + (int) ((c >>> 40) & 0xff)] ^ t[256 + (int) ((c >>> 48) & 0xff)] ^ t[(int) (c >>> 56)];
    }

    /** a·b mod P, both reflected (zlib's {@code multmodp}). */
    static long multModP(long a, long b) {
        long m = 1L << 63;
        long p = 0;
        while (true) {
            if ((a & m) != 0) {
                p ^= b;
                if ((a & (m - 1)) == 0) {
                    return p;
                }
            }
            m >>>= 1;
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY_REFLECTED : b >>> 1;
        }
    }

    /** x^(8n) mod P, reflected: what shifting a CRC over n zero bytes multiplies it by. */
    static long xPow8n(long n) {
        long p = 1L << 63; // x^0
        int k = 3;
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multModP(X2N[k & 63], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }

    /** The CRC of a whole array. */
    public static long of(byte[] bytes) {
        final Crc64 crc = new Crc64();
        crc.update(bytes, 0, bytes.length);
        return crc.value();
    }
}
