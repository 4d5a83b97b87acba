package io.redisreplica.rdb;

/**
 * LZF, as Redis uses it for RDB strings ({@code lzf_c.c} / {@code lzf_d.c}): a literal run is a
 * control byte {@code 0..31} (run length - 1) and the bytes; a back reference is {@code
 * (len << 5 | offset_high)}, an extra length byte when {@code len == 7}, then {@code offset_low}.
 */
public final class Lzf {
    private static final int HASH_LOG = 14;
    private static final int MAX_LITERAL = 32;
    private static final int MAX_OFFSET = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3);

    private Lzf() {
    }

    /**
     * Decompresses {@code in[inOff, inOff + inLen)} into {@code out[0, outLen)}.
     *
     * @return false when the input is corrupt or does not produce exactly {@code outLen} bytes
     */
    public static boolean decompress(byte[] in, int inOff, int inLen, byte[] out, int outLen) {
        int ip = inOff;
        final int inEnd = inOff + inLen;
        int op = 0;
        while (ip < inEnd) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                final int run = ctrl + 1;
                if (op + run > outLen || ip + run > inEnd) {
                    return false;
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else {
                int len = ctrl >>> 5;
                if (len == 7) {
                    if (ip >= inEnd) {
                        return false;
                    }
                    len += in[ip++] & 0xff;
                }
                if (ip >= inEnd) {
                    return false;
                }
                final int ref = op - ((ctrl & 0x1f) << 8) - (in[ip++] & 0xff) - 1;
                len += 2;
                if (ref < 0 || op + len > outLen) {
                    return false;
                }
                for (int i = 0; i < len; i++) {
                    out[op++] = out[ref + i]; // may overlap: byte by byte, as lzf_d does
                }
            }
        }
        return op == outLen;
    }

    /**
     * Compresses {@code in[0, inLen)} into {@code out}: greedy matching through a hash of the next
     * three bytes, the same scheme as lzf_c.c.
     *
     * @return the compressed length, or 0 when it would not fit in {@code out} (store it plain)
     */
    public static int compress(byte[] in, int inLen, byte[] out) {
        final int[] table = new int[1 << HASH_LOG];
        java.util.Arrays.fill(table, -1);
        final int outEnd = out.length;
        int ip = 0;
        int op = 0;
        int lit = 0;
        int litStart = 0;
        while (ip < inLen) {
            if (ip + 2 < inLen) {
                final int hval = ((in[ip] & 0xff) << 16) | ((in[ip + 1] & 0xff) << 8) | (in[ip + 2] & 0xff);
                final int slot = (int) (((hval * 2654435761L) & 0xffffffffL) >>> (32 - HASH_LOG));
                final int ref = table[slot];
                table[slot] = ip;
                final int off = ip - ref - 1;
                if (ref >= 0 && off < MAX_OFFSET && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
                    final int maxMatch = Math.min(MAX_REF, inLen - ip);
                    int len = 3;
                    while (len < maxMatch && in[ref + len] == in[ip + len]) {
                        len++;
                    }
                    if (lit > 0) {
                        out[litStart] = (byte) (lit - 1);
                        lit = 0;
                    }
                    final int field = len - 2;
                    if (op + 3 > outEnd) {
                        return 0;
                    }
                    if (field < 7) {
                        out[op++] = (byte) ((field << 5) | (off >>> 8));
                    } else {
                        out[op++] = (byte) ((7 << 5) | (off >>> 8));
                        out[op++] = (byte) (field - 7);
                    }
                    out[op++] = (byte) off;
                    ip += len;
                    continue;
                }
            }
            if (lit == 0) {
                if (op >= outEnd) {
                    return 0;
                }
                litStart = op++;
            }
            if (op >= outEnd) {
                return 0;
            }
            out[op++] = in[ip++];
            if (++lit == MAX_LITERAL) {
                out[litStart] = (byte) (lit - 1);
                lit = 0;
            }
        }
        if (lit > 0) {
            out[litStart] = (byte) (lit - 1);
        }
        return op;
    }
}
