package io.redisreplica.rdb;

/**
 * The CRC-64 that Redis puts at the end of an RDB file (version 5 on): the Jones polynomial
 * ({@code 0xad93d23594c935a9}), reflected, initial value 0, no final xor; {@code "123456789"}
 * gives {@code 0xe9c6d914c4b8d9ca}. Slice-by-8, so checking the input and writing N outputs
 * stays far from the bottleneck of a split.
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

    private long crc;

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

    /** The CRC of a whole array. */
    public static long of(byte[] bytes) {
        final Crc64 crc = new Crc64();
        crc.update(bytes, 0, bytes.length);
        return crc.value();
    }
}
