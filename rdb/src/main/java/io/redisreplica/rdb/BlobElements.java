package io.redisreplica.rdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Elements of the encoded blobs Redis stores values in: ziplist ({@code ziplist.c}), listpack
 * ({@code listpack.c}), intset ({@code intset.c}) and zipmap ({@code zipmap.c}). Each parse is
 * bounds-checked against the blob and fails with {@link IllegalArgumentException} naming what
 * is wrong; the decoder turns that into an {@link RdbFormatException} with offset and key.
 */
final class BlobElements {
    private BlobElements() {
    }

    static List<byte[]> ziplist(byte[] b) {
        require(b.length >= 11, "ziplist shorter than its header");
        if (le32(b, 0) != b.length) {
            throw new IllegalArgumentException("ziplist says " + le32(b, 0) + " bytes, blob has " + b.length);
        }
        final List<byte[]> out = new ArrayList<>();
        int p = 10;
        while (true) {
            require(p < b.length, "ziplist without its end byte");
            if ((b[p] & 0xff) == 0xff) {
                return out;
            }
            p += (b[p] & 0xff) == 0xfe ? 5 : 1; // prevlen
            require(p < b.length, "ziplist entry cut off");
            final int enc = b[p] & 0xff;
            if (enc >> 6 == 0) {
                p = string(b, p + 1, enc & 0x3f, out);
            } else if (enc >> 6 == 1) {
                require(p + 1 < b.length, "ziplist entry cut off");
                p = string(b, p + 2, ((enc & 0x3f) << 8) | (b[p + 1] & 0xff), out);
            } else if (enc >> 6 == 2) {
                require(p + 4 < b.length, "ziplist entry cut off");
                p = string(b, p + 5, (int) be32(b, p + 1), out);
            } else if (enc == 0xc0) {
                p = integer(b, p + 1, 2, out);
            } else if (enc == 0xd0) {
                p = integer(b, p + 1, 4, out);
            } else if (enc == 0xe0) {
                p = integer(b, p + 1, 8, out);
            } else if (enc == 0xf0) {
                p = integer(b, p + 1, 3, out);
            } else if (enc == 0xfe) {
                p = integer(b, p + 1, 1, out);
            } else if (enc >= 0xf1 && enc <= 0xfd) {
                out.add(text(enc - 0xf1));
                p += 1;
            } else {
                throw new IllegalArgumentException(String.format("ziplist entry encoding 0x%02x", enc));
            }
        }
    }

    static List<byte[]> listpack(byte[] b) {
        require(b.length >= 7, "listpack shorter than its header");
        if (le32(b, 0) != b.length) {
            throw new IllegalArgumentException("listpack says " + le32(b, 0) + " bytes, blob has " + b.length);
        }
        final List<byte[]> out = new ArrayList<>();
        int p = 6;
        while (true) {
            require(p < b.length, "listpack without its end byte");
            final int enc = b[p] & 0xff;
            if (enc == 0xff) {
                return out;
            }
            final int start = p;
            if ((enc & 0x80) == 0) {
                out.add(text(enc));
                p += 1;
            } else if ((enc & 0xc0) == 0x80) {
                p = string(b, p + 1, enc & 0x3f, out);
            } else if ((enc & 0xe0) == 0xc0) {
                require(p + 1 < b.length, "listpack entry cut off");
                final int u = ((enc & 0x1f) << 8) | (b[p + 1] & 0xff);
                out.add(text(u >= 1 << 12 ? u - (1 << 13) : u));
                p += 2;
            } else if ((enc & 0xf0) == 0xe0) {
                require(p + 1 < b.length, "listpack entry cut off");
                p = string(b, p + 2, ((enc & 0x0f) << 8) | (b[p + 1] & 0xff), out);
            } else if (enc == 0xf0) {
                require(p + 4 < b.length, "listpack entry cut off");
                p = string(b, p + 5, (int) le32(b, p + 1), out);
            } else if (enc >= 0xf1 && enc <= 0xf4) {
                final int bytes = enc == 0xf1 ? 2 : enc == 0xf2 ? 3 : enc == 0xf3 ? 4 : 8;
                p = integer(b, p + 1, bytes, out);
            } else {
                throw new IllegalArgumentException(String.format("listpack entry encoding 0x%02x", enc));
            }
            final int len = p - start;
            p += len < 128 ? 1 : len < 16384 ? 2 : len < 2097152 ? 3 : len < 268435456 ? 4 : 5; // backlen
        }
    }

    static List<byte[]> intset(byte[] b) {
        require(b.length >= 8, "intset shorter than its header");
        final int width = (int) le32(b, 0);
        final long count = le32(b, 4);
        if (!(width == 2 || width == 4 || width == 8)) {
            throw new IllegalArgumentException("intset encoding " + width);
        }
        if (8 + count * width != b.length) {
            throw new IllegalArgumentException("intset of " + count + " x " + width + " bytes in a blob of " + b.length);
        }
        final List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            integer(b, 8 + i * width, width, out);
        }
        return out;
    }

    /** Field, value, field, value... of a zipmap (Redis before 2.6). */
    static List<byte[]> zipmap(byte[] b) {
        require(b.length >= 2, "zipmap shorter than its header");
        final List<byte[]> out = new ArrayList<>();
        int p = 1;
        boolean value = false;
        while (true) {
            require(p < b.length, "zipmap without its end byte");
            int len = b[p] & 0xff;
            if (len == 0xff) {
                require(!value, "zipmap ends after a field without value");
                return out;
            }
            if (len == 254) {
                require(p + 4 < b.length, "zipmap length cut off");
                len = (int) le32(b, p + 1);
                p += 5;
            } else {
                p += 1;
            }
            int free = 0;
            if (value) {
                require(p < b.length, "zipmap free byte cut off");
                free = b[p++] & 0xff;
            }
            p = string(b, p, len, out) + free;
            value = !value;
        }
    }

    private static int string(byte[] b, int from, int len, List<byte[]> out) {
        if (!(len >= 0 && from + len <= b.length)) {
            throw new IllegalArgumentException("string of " + len + " bytes past the end of the blob");
        }
        out.add(java.util.Arrays.copyOfRange(b, from, from + len));
        return from + len;
    }

    private static int integer(byte[] b, int from, int bytes, List<byte[]> out) {
        require(from + bytes <= b.length, "integer past the end of the blob");
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = (v << 8) | (b[from + i] & 0xff);
        }
        v = (v << (64 - 8 * bytes)) >> (64 - 8 * bytes); // sign-extend
        out.add(text(v));
        return from + bytes;
    }

    static byte[] text(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static long le32(byte[] b, int p) {
        return (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24;
    }

    private static long be32(byte[] b, int p) {
        return (b[p] & 0xffL) << 24 | (b[p + 1] & 0xffL) << 16 | (b[p + 2] & 0xffL) << 8 | (b[p + 3] & 0xffL);
    }

    /** A message that is only text: the ones built from numbers are made only when the check fails (these run per element). */
    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }
}
