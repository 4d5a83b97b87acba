package io.redisreplica.rdb;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The RDB primitives of {@code rdb.c}, over one {@link RdbInput}: {@code rdbLoadLen}, string
 * loading ({@code rdbGenericLoadStringObject}: raw, int-encoded, LZF) into a reused buffer or a
 * copy, skipping, and error messages that name the offset and the entry being read.
 */
final class RdbPrimitives {
    private final RdbInput input;
    private final int maxRecordBytes;
    private final Supplier<RdbEntry> current;
    private byte[] keyBuffer = new byte[256];
    private byte[] scratch = new byte[256];
    /** Decoded values load here, so the current key (in keyBuffer) stays valid while its value is read. */
    private byte[] valueBuffer = new byte[256];
    private final java.util.IdentityHashMap<String, String[]> lzfParts = new java.util.IdentityHashMap<>();
    private String lastLzfWhat;
    private String[] lastLzfParts;

    RdbPrimitives(RdbInput input, int maxRecordBytes, Supplier<RdbEntry> current) {
        this.input = input;
        this.maxRecordBytes = maxRecordBytes;
        this.current = current;
    }

    RdbInput input() {
        return input;
    }

    /** The buffer {@link #loadKey} fills; valid until the next load. */
    byte[] buffer() {
        return keyBuffer;
    }

    /** A string copied out (for decoded values). */
    byte[] loadStringCopy(String what) {
        final byte[] key = keyBuffer;
        keyBuffer = valueBuffer;
        try {
            final int len = loadKey(what);
            return java.util.Arrays.copyOf(keyBuffer, len);
        } finally {
            valueBuffer = keyBuffer; // keep it if it grew
            keyBuffer = key;
        }
    }

    /** rdbLoadLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian; an encoded-value marker is an error here. */
    long loadLen(String what) {
        final int first = input.readByte(what);
        switch (first >> 6) {
            case 0:
                return first & 0x3f;
            case 1:
                return ((first & 0x3f) << 8) | input.readByte(what);
            case 2:
                if (first == 0x80) {
                    return input.readUnsignedBE(4, what);
                }
                if (first == 0x81) {
                    return input.readUnsignedBE(8, what); // unsigned: module ids and -1 markers use the top bit
                }
                throw formatError(String.format("invalid length encoding 0x%02x for %s", first, what));
            default:
                throw formatError(String.format("expected a length for %s, got encoded value 0x%02x", what, first));
        }
    }

    /** A length used as a count or a size: unsigned values past Long.MAX_VALUE are corrupt here. */
    long loadCount(String what) {
        final long n = loadLen(what);
        if (n < 0) {
            throw formatError(what + " " + Long.toUnsignedString(n) + " is too large");
        }
        return n;
    }

    /** rdbGenericLoadStringObject without keeping the string: passes its bytes to the sink. */
    void skipString(String what) {
        final int first = input.peekByte(what);
        if ((first >> 6) == 3) {
            input.readByte(what);
            switch (first & 0x3f) {
                case 0 -> input.skip(1, what);
                case 1 -> input.skip(2, what);
                case 2 -> input.skip(4, what);
                case 3 -> {
                    final String[] parts = lzfParts(what);
                    final long clen = loadCount(parts[0]);
                    loadCount(parts[1]);
                    input.skip(clen, what);
                }
                default -> throw formatError(String.format("unknown string encoding 0x%02x for %s", first, what));
            }
            return;
        }
        input.skip(loadCount(what), what);
    }

    /** rdbGenericLoadStringObject into {@link #keyBuffer}; returns the length. Integers become their decimal text. */
    int loadKey(String what) {
        final int first = input.peekByte(what);
        if ((first >> 6) == 3) {
            input.readByte(what);
            final long value;
            switch (first & 0x3f) {
                case 0 -> value = (byte) input.readByte(what);
                case 1 -> value = (short) (input.readByte(what) | input.readByte(what) << 8);
                case 2 -> value = input.readIntLE(what);
                case 3 -> {
                    return loadLzf(what);
                }
                default -> throw formatError(String.format("unknown string encoding 0x%02x for %s", first, what));
            }
            final byte[] text = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
            ensureKey(text.length, what);
            System.arraycopy(text, 0, keyBuffer, 0, text.length);
            return text.length;
        }
        final long len = loadCount(what);
        ensureKey(len, what);
        input.readFully(keyBuffer, 0, (int) len, what);
        return (int) len;
    }

    int loadLzf(String what) {
        final String[] parts = lzfParts(what);
        final long clen = loadCount(parts[0]);
        final long len = loadCount(parts[1]);
        ensureKey(len, what);
        if (clen > len + 64 || clen > maxRecordBytes) {
            throw formatError("LZF " + what + " of " + clen + " compressed bytes for " + len + " bytes");
        }
        if (scratch.length < clen) {
            scratch = new byte[(int) clen];
        }
        input.readFully(scratch, 0, (int) clen, what);
        if (!Lzf.decompress(scratch, 0, (int) clen, keyBuffer, (int) len)) {
            throw formatError("corrupt LZF data in " + what);
        }
        return (int) len;
    }

    /**
     * What an LZF string's two lengths are called in errors, made once per {@code what}: made per
     * string they were most of what a split allocated (about 40 bytes for every compressed value).
     * The names are constants, so the cache stays small; it is emptied if it ever is not.
     */
    private String[] lzfParts(String what) {
        if (what == lastLzfWhat) { // most compressed strings of a file are read under one name ("the value")
            return lastLzfParts;
        }
        String[] parts = lzfParts.get(what);
        if (parts == null) {
            if (lzfParts.size() >= 256) {
                lzfParts.clear();
            }
            parts = new String[] {what + " (compressed length)", what + " (length)"};
            lzfParts.put(what, parts);
        }
        lastLzfWhat = what;
        lastLzfParts = parts;
        return parts;
    }

    void ensureKey(long len, String what) {
        if (len > maxRecordBytes) {
            throw formatError(what + " of " + len + " bytes exceeds max-record-bytes " + maxRecordBytes);
        }
        if (keyBuffer.length < len) {
            keyBuffer = new byte[(int) Math.max(len, keyBuffer.length * 2L)];
        }
    }

    RdbFormatException formatError(String what) {
        final long at = input.offset();
        final StringBuilder sb = new StringBuilder(what).append(" at offset ").append(at);
        if (current.get() != null) {
            sb.append(" in ").append(current.get());
        }
        return new RdbFormatException(sb.toString(), at);
    }

}
