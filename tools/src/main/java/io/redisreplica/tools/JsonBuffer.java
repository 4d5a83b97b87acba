package io.redisreplica.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import tools.jackson.core.io.NumberOutput;

/**
 * The bytes under {@link JsonOut}'s generator, and the place Redis strings that need escaping are
 * escaped into directly: jackson writes structure and plain strings through its own buffer into
 * this one, and an escaped string goes from the Redis bytes to here in one pass, without a
 * scratch copy and a second copy through jackson's buffer (rdb dump of values padded with NUL
 * bytes writes 5x the RDB's size as {@code \u0000}: copies are what it spends its time on).
 *
 * <p>Eight bytes are looked at a time: a run of eight-byte words of NULs becomes 48 bytes of
 * {@code \u0000} per word in one copy from a pre-escaped run, eight bytes that need no escape are
 * copied as one long; the others one by one through
 * the escape table. Bytes of 0x80 and up are copied as they are: the caller checked that they
 * are UTF-8 ({@link #isUtf8}).
 */
final class JsonBuffer extends OutputStream {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** How JSON writes each ASCII byte that needs it (RFC 8259: control characters, quote, backslash); null: as is. */
    private static final byte[][] ESCAPES = new byte[128][];
    /**
     * By byte: what JSON writes for it (itself, or its escape of 2 or 6 bytes) as a little-endian
     * long, stored whole (the bytes past {@link #WRITTEN} are overwritten by what follows), so a
     * byte costs a load and a store, no branch.
     */
    private static final long[] AS_LONG = new long[256];
    /** By byte: how many of the bytes of {@link #AS_LONG} count. */
    private static final int[] WRITTEN = new int[256];
    /** The longest run of NUL bytes copied at once, in eight-byte words. */
    private static final int NUL_RUN_WORDS = 64;
    /** {@link #NUL_RUN_WORDS} times eight {@code \u0000}: a run of NULs is one copy from it. */
    private static final byte[] ESCAPED_NULS = "\\u0000".repeat(NUL_RUN_WORDS * 8).getBytes(StandardCharsets.US_ASCII);

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = String.format("\\u%04x", c).getBytes(StandardCharsets.US_ASCII);
        }
        ESCAPES['\b'] = "\\b".getBytes(StandardCharsets.US_ASCII);
        ESCAPES['\t'] = "\\t".getBytes(StandardCharsets.US_ASCII);
        ESCAPES['\n'] = "\\n".getBytes(StandardCharsets.US_ASCII);
        ESCAPES['\f'] = "\\f".getBytes(StandardCharsets.US_ASCII);
        ESCAPES['\r'] = "\\r".getBytes(StandardCharsets.US_ASCII);
        ESCAPES['"'] = "\\\"".getBytes(StandardCharsets.US_ASCII);
        ESCAPES['\\'] = "\\\\".getBytes(StandardCharsets.US_ASCII);
        for (int c = 0; c < 256; c++) {
            final byte[] seq = c < 128 && ESCAPES[c] != null ? ESCAPES[c] : new byte[] {(byte) c};
            final byte[] padded = java.util.Arrays.copyOf(seq, 8);
            AS_LONG[c] = (long) LONG_LE.get(padded, 0);
            WRITTEN[c] = seq.length;
        }
    }

    private final OutputStream target;
    private final byte[] buf;
    private int n;

    /** @param size at least 64 bytes */
    JsonBuffer(OutputStream target, int size) {
        this.target = target;
        this.buf = new byte[Math.max(64, size)];
    }

    @Override
    public void write(int b) {
        if (n == buf.length) {
            drain();
        }
        buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (len > buf.length - n) {
            drain();
            if (len >= buf.length) {
                writeTarget(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    /** Bytes that are JSON already (a pre-encoded {@code ,"name":} or a whole pair). */
    void raw(byte[] b) {
        write(b, 0, b.length);
    }

    /** A long in decimal, by jackson's own number writer, straight into the buffer. */
    void decimal(long v) {
        if (buf.length - n < 20) { // the longest long, sign included
            drain();
        }
        n = NumberOutput.outputLong(v, buf, n);
    }

    /** What is buffered to the target, and the target flushed. */
    @Override
    public void flush() {
        drain();
        try {
            target.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code b[from, to)} escaped as the inside of a JSON string, then the closing quote
     * (the opening one and the bytes before {@code from} are the caller's).
     */
    void escapedAndQuote(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            if (buf.length - n < 64) {
                drain();
            }
            final int chunkEnd = Math.min(to, i + (buf.length - n - 2) / 6); // a byte becomes 6 at most, stored as 8
            final byte[] o = buf;
            int p = n;
            while (i < chunkEnd) {
                if (chunkEnd - i >= 8) {
                    final long w = (long) LONG_LE.get(b, i);
                    if (w == 0) { // padding: a run of NUL bytes, copied from its escaped form eight at a time
                        final int most = Math.min((chunkEnd - i) >>> 3, NUL_RUN_WORDS);
                        int words = 1;
                        while (words < most && (long) LONG_LE.get(b, i + words * 8) == 0) {
                            words++;
                        }
                        System.arraycopy(ESCAPED_NULS, 0, o, p, words * 48);
                        p += words * 48;
                        i += words * 8;
                        continue;
                    }
                    if (nothingToEscape(w)) {
                        LONG_LE.set(o, p, w);
                        p += 8;
                        i += 8;
                        continue;
                    }
                }
                final int c = b[i++] & 0xff;
                LONG_LE.set(o, p, AS_LONG[c]);
                p += WRITTEN[c];
            }
            n = p;
        }
        write('"');
    }

    /** No byte below 0x20, no quote, no backslash among the eight (SWAR: "has less than" and "has zero" byte tests). */
    private static boolean nothingToEscape(long w) {
        return ((w - ONES * 0x20) & ~w & HIGHS) == 0 && hasNoZeroByte(w ^ (ONES * '"')) && hasNoZeroByte(w ^ (ONES * '\\'));
    }

    private static boolean hasNoZeroByte(long x) {
        return ((x - ONES) & ~x & HIGHS) == 0;
    }

    /** The index of the first byte of {@code b[from, to)} that is not printable ASCII or is a quote or backslash; {@code to} if none. */
    static int plainAsciiEnd(byte[] b, int from, int to) {
        int i = from;
        while (to - i >= 8) {
            final long w = (long) LONG_LE.get(b, i);
            if ((w & HIGHS) != 0 || !nothingToEscape(w)) {
                break;
            }
            i += 8;
        }
        while (i < to && b[i] >= 0x20 && b[i] != '"' && b[i] != '\\') { // a byte above 0x7f is negative
            i++;
        }
        return i;
    }

    /**
     * Whether {@code b[from, to)} is well-formed UTF-8 (RFC 3629, as the JDK's decoder judges it:
     * no overlong forms, no surrogates, nothing above U+10FFFF, no sequence cut at the end),
     * without decoding it.
     */
    static boolean isUtf8(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            if (to - i >= 8 && ((long) LONG_LE.get(b, i) & HIGHS) == 0) {
                i += 8;
                continue;
            }
            final int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
            } else if (c < 0xc2) { // a continuation byte first, or an overlong 2-byte form
                return false;
            } else if (c < 0xe0) {
                if (to - i < 2 || !continuation(b[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (c < 0xf0) {
                if (to - i < 3) {
                    return false;
                }
                final int c1 = b[i + 1] & 0xff;
                if (!continuation(b[i + 1]) || !continuation(b[i + 2])
                    || c == 0xe0 && c1 < 0xa0 // overlong
                    || c == 0xed && c1 >= 0xa0) { // a surrogate
                    return false;
                }
                i += 3;
            } else if (c < 0xf5) {
                if (to - i < 4) {
                    return false;
                }
                final int c1 = b[i + 1] & 0xff;
                if (!continuation(b[i + 1]) || !continuation(b[i + 2]) || !continuation(b[i + 3])
                    || c == 0xf0 && c1 < 0x90 // overlong
                    || c == 0xf4 && c1 >= 0x90) { // above U+10FFFF
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean continuation(byte b) {
        return (b & 0xc0) == 0x80;
    }

    private void drain() {
        if (n > 0) {
            writeTarget(buf, 0, n);
            n = 0;
        }
    }

    private void writeTarget(byte[] b, int off, int len) {
        try {
            target.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
