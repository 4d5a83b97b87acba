package io.redisreplica.router.routing;

/**
 * Redis Cluster's key-to-slot function: CRC16 (XMODEM: poly 0x1021, init 0) of the key, or of
 * its hash tag (the bytes between the first '{' and the next '}', when not empty), modulo 16384.
 *
 * <p>The CRC16 takes eight bytes a step (slice-by-8): a byte at a time, each table lookup waits
 * on the one before, and that chain was a fifth of an {@code rdb split}'s reading thread (a slot
 * per key, 10.6 M keys of about ten bytes on a 1 GB file). A step xors the running CRC into its
 * first two bytes and looks the eight up in eight tables (table k: a byte followed by k zero
 * bytes), independently of each other; the last bytes too.
 */
public final class ClusterSlots {
    public static final int SLOTS = 16384;
    /** Table k (a byte followed by k zero bytes) at k * 256; table 0 is the byte-at-a-time table. */
    private static final int[] TABLES = new int[8 * 256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLES[i] = crc & 0xffff;
        }
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                final int prev = TABLES[(k - 1) * 256 + i];
                TABLES[k * 256 + i] = ((prev << 8) & 0xffff) ^ TABLES[prev >>> 8];
            }
        }
    }

    private ClusterSlots() {
    }

    public static int crc16(byte[] bytes, int offset, int length) {
        final int[] t = TABLES;
        int crc = 0;
        int i = offset;
        final int end = offset + length;
        // byte loads, not a VarHandle's 8-byte load: until the JIT has compiled the caller (the first
        // 100 000 keys of a split) a VarHandle access costs a chain of calls
        for (; end - i >= 8; i += 8) {
            crc = t[7 * 256 + (((crc >>> 8) ^ bytes[i]) & 0xff)] ^ t[6 * 256 + ((crc ^ bytes[i + 1]) & 0xff)]
                ^ t[5 * 256 + (bytes[i + 2] & 0xff)] ^ t[4 * 256 + (bytes[i + 3] & 0xff)]
                ^ t[3 * 256 + (bytes[i + 4] & 0xff)] ^ t[2 * 256 + (bytes[i + 5] & 0xff)]
                ^ t[256 + (bytes[i + 6] & 0xff)] ^ t[bytes[i + 7] & 0xff];
        }
        // the last 0-7 bytes the same way, byte j of r looked up in table r-1-j: no chain either
        final int r = end - i;
        if (r >= 2) {
            int c = t[(r - 1) * 256 + (((crc >>> 8) ^ bytes[i]) & 0xff)] ^ t[(r - 2) * 256 + ((crc ^ bytes[i + 1]) & 0xff)];
            for (int j = 2; j < r; j++) {
                c ^= t[(r - 1 - j) * 256 + (bytes[i + j] & 0xff)];
            }
            crc = c;
        } else if (r == 1) {
            crc = ((crc << 8) & 0xffff) ^ t[((crc >>> 8) ^ bytes[i]) & 0xff];
        }
        return crc;
    }

    /** The slot of {@code key[offset, offset + length)}, honouring {@code {hash tags}}. */
    public static int slot(byte[] key, int offset, int length) {
        final int end = offset + length;
        final int open = indexOf(key, offset, end, '{');
        if (open >= 0) { // only the first '{' counts; "{}" hashes the whole key
            final int close = indexOf(key, open + 1, end, '}');
            if (close > open + 1) {
                return crc16(key, open + 1, close - open - 1) & (SLOTS - 1);
            }
        }
        return crc16(key, offset, length) & (SLOTS - 1);
    }

    /** The first {@code b} in {@code bytes[from, end)}, or -1. */
    private static int indexOf(byte[] bytes, int from, int end, int b) {
        for (int i = from; i < end; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
