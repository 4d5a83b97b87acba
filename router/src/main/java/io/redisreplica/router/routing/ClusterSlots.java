package io.redisreplica.router.routing;

/**
 * Redis Cluster's key-to-slot function: CRC16 (XMODEM: poly 0x1021, init 0) of the key, or of
 * its hash tag (the bytes between the first '{' and the next '}', when not empty), modulo 16384.
 */
public final class ClusterSlots {
    public static final int SLOTS = 16384;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xffff;
        }
    }

    private ClusterSlots() {
    }

    public static int crc16(byte[] bytes, int offset, int length) {
        int crc = 0;
        for (int i = offset; i < offset + length; i++) {
            crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >>> 8) ^ bytes[i]) & 0xff];
        }
        return crc;
    }

    /** The slot of {@code key[offset, offset + length)}, honouring {@code {hash tags}}. */
    public static int slot(byte[] key, int offset, int length) {
        final int end = offset + length;
        for (int open = offset; open < end; open++) {
            if (key[open] == '{') {
                for (int close = open + 1; close < end; close++) {
                    if (key[close] == '}') {
                        if (close > open + 1) {
                            return crc16(key, open + 1, close - open - 1) & (SLOTS - 1);
                        }
                        break; // "{}": the whole key is hashed
                    }
                }
                break; // only the first '{' counts
            }
        }
        return crc16(key, offset, length) & (SLOTS - 1);
    }
}
