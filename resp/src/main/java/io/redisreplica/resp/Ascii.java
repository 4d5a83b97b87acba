package io.redisreplica.resp;

import org.agrona.DirectBuffer;

/** ASCII helpers shared by the decoders: line search and strict integer parsing without Strings. */
final class Ascii {
    static final byte CR = '\r';
    static final byte LF = '\n';
    /** Marks a failed {@link #parseLong}; no valid RESP length or integer reply is this value. */
    static final long INVALID = Long.MIN_VALUE;

    private Ascii() {
    }

    /** Index of the first LF in {@code [from, to)}, or -1. */
    static int indexOfLf(DirectBuffer buffer, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer.getByte(i) == LF) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Parses {@code [from, to)} as a signed decimal long: an optional '-' then 1-19 digits, no
     * spaces or '+', no overflow. Returns {@link #INVALID} otherwise, so bad input costs no
     * exception until the caller builds its message.
     */
    static long parseLong(DirectBuffer buffer, int from, int to) {
        if (from >= to) {
            return INVALID;
        }
        boolean negative = false;
        int i = from;
        if (buffer.getByte(i) == '-') {
            negative = true;
            i++;
            if (i == to) {
                return INVALID;
            }
        }
        if (to - i > 19) {
            return INVALID;
        }
        // accumulate negatively, as Long.parseLong does, so Long.MIN_VALUE parses too
        long value = 0;
        for (; i < to; i++) {
            final int digit = buffer.getByte(i) - '0';
            if (digit < 0 || digit > 9 || value < (Long.MIN_VALUE + digit) / 10) {
                return INVALID;
            }
            value = value * 10 - digit;
        }
        if (negative) {
            return value;
        }
        return value == Long.MIN_VALUE ? INVALID : -value;
    }

    /**
     * True when {@code [from, to)} is exactly {@code -9223372036854775808}: the one valid long that
     * {@link #parseLong} reports as {@link #INVALID}. Checked only on the failure path.
     */
    static boolean isMinLong(DirectBuffer buffer, int from, int to) {
        if (to - from != MIN_LONG.length) {
            return false;
        }
        for (int i = 0; i < MIN_LONG.length; i++) {
            if (buffer.getByte(from + i) != MIN_LONG[i]) {
                return false;
            }
        }
        return true;
    }

    private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Printable form of a few bytes for error messages: {@code "SET"}, or escapes for the rest. */
    static String quote(DirectBuffer buffer, int from, int to, int max) {
        final StringBuilder sb = new StringBuilder("\"");
        final int end = Math.min(to, from + max);
        for (int i = from; i < end; i++) {
            appendEscaped(sb, buffer.getByte(i));
        }
        if (end < to) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    static String describeByte(byte b) {
        final StringBuilder sb = new StringBuilder("'");
        appendEscaped(sb, b);
        return sb.append("' (0x").append(String.format("%02x", b & 0xFF)).append(')').toString();
    }

    private static void appendEscaped(StringBuilder sb, byte b) {
        final int c = b & 0xFF;
        if (c == '\r') {
            sb.append("\\r");
        } else if (c == '\n') {
            sb.append("\\n");
        } else if (c == '"' || c == '\\') {
            sb.append('\\').append((char) c);
        } else if (c >= 0x20 && c < 0x7f) {
            sb.append((char) c);
        } else {
            sb.append(String.format("\\x%02x", c));
        }
    }
}
