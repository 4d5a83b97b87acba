package io.redisreplica.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import io.redisreplica.resp.RespError;
import io.redisreplica.router.sinks.RedisConnection;

/**
 * What a key holds, as a short text that two servers of any version and encoding give alike when
 * their keys are equal: its type, a SHA-256 of its value read in pages (never the whole value in
 * memory), and its time to live. Ordered types (strings, lists, sorted sets by score and member,
 * streams by ID) hash in order; sets and hashes, whose scan order differs from server to server,
 * hash as an order-free sum of their elements' hashes, checked against their cardinality (a
 * SCAN that returned an element twice, during a rehash, is read again).
 */
final class KeyDigest {
    private static final int PAGE = 1000;
    private static final int STRING_CHUNK = 1 << 20;
    private static final byte[] COUNT = ascii("COUNT");

    /** A key's type, value digest and PTTL. {@code pttl} is -2 for a key that does not exist, -1 without a TTL. */
    record Reading(String type, String digest, long pttl) {
        boolean exists() {
            return !type.equals("none");
        }
    }

    private KeyDigest() {
    }

    static Reading read(RedisConnection c, byte[] key) throws IOException {
        final String type = text(call(c, ascii("TYPE"), key));
        final String digest = switch (type) {
            case "none" -> "";
            case "string" -> string(c, key);
            case "list" -> ordered(c, key, "LRANGE", null);
            case "zset" -> ordered(c, key, "ZRANGE", ascii("WITHSCORES"));
            case "set" -> unordered(c, key, "SSCAN", "SCARD", 1);
            case "hash" -> unordered(c, key, "HSCAN", "HLEN", 2);
            case "stream" -> stream(c, key);
            default -> dump(c, key); // a module's type: its serialized form, same module version on both sides
        };
        final long pttl = type.equals("none") ? -2 : (Long) call(c, ascii("PTTL"), key);
        return new Reading(type, digest, pttl);
    }

    private static String string(RedisConnection c, byte[] key) throws IOException {
        final MessageDigest sha = sha();
        final long length = (Long) call(c, ascii("STRLEN"), key);
        for (long at = 0; at < length; at += STRING_CHUNK) {
            sha.update((byte[]) call(c, ascii("GETRANGE"), key, ascii(Long.toString(at)), ascii(Long.toString(at + STRING_CHUNK - 1))));
        }
        return hex(sha.digest());
    }

    /** LRANGE or ZRANGE (by rank: score, then member) in pages; each element hashed with its length. */
    private static String ordered(RedisConnection c, byte[] key, String range, byte[] option) throws IOException {
        final MessageDigest sha = sha();
        for (long at = 0; ; at += PAGE) {
            final byte[][] args = option == null ? new byte[][] {ascii(range), key, ascii(Long.toString(at)), ascii(Long.toString(at + PAGE - 1))}
                : new byte[][] {ascii(range), key, ascii(Long.toString(at)), ascii(Long.toString(at + PAGE - 1)), option};
            final List<?> page = (List<?>) call(c, args);
            for (int i = 0; i < page.size(); i++) {
                if (option != null && i % 2 == 1) {
                    // a score as the double it is: versions print the same score differently ("0.1", "0.10000000000000001")
                    final long bits = Double.doubleToLongBits(Double.parseDouble(text(page.get(i)).replace("inf", "Infinity")));
                    element(sha, ascii(Long.toString(bits)));
                } else {
                    element(sha, (byte[]) page.get(i));
                }
            }
            if (page.size() < (option == null ? PAGE : 2 * PAGE)) {
                return hex(sha.digest());
            }
        }
    }

    /** SSCAN/HSCAN: a sum of each element's (or field and value's) hash, so any order gives the same digest. */
    private static String unordered(RedisConnection c, byte[] key, String scan, String card, int width) throws IOException {
        final long expected = (Long) call(c, ascii(card), key);
        for (int attempt = 0; ; attempt++) {
            long a = 0;
            long b = 0;
            long seen = 0;
            byte[] cursor = ascii("0");
            do {
                final List<?> reply = (List<?>) call(c, ascii(scan), key, cursor, COUNT, ascii(Integer.toString(PAGE)));
                cursor = (byte[]) reply.get(0);
                final List<?> items = (List<?>) reply.get(1);
                for (int i = 0; i + width - 1 < items.size(); i += width) {
                    final MessageDigest sha = sha();
                    element(sha, (byte[]) items.get(i));
                    if (width == 2) {
                        element(sha, (byte[]) items.get(i + 1));
                    }
                    final byte[] h = sha.digest();
                    a += longAt(h, 0);
                    b += longAt(h, 8);
                    seen++;
                }
            } while (!(cursor.length == 1 && cursor[0] == '0'));
            if (seen == expected || attempt == 2) {
                return Long.toHexString(a) + Long.toHexString(b) + (seen == expected ? "" : "~" + seen + "/" + expected);
            }
        }
    }

    /** Entries by ID in pages, then the consumer groups (name, last delivered ID, pending count). */
    private static String stream(RedisConnection c, byte[] key) throws IOException {
        final MessageDigest sha = sha();
        byte[] from = ascii("-");
        boolean first = true;
        while (true) {
            final List<?> page = (List<?>) call(c, ascii("XRANGE"), key, from, ascii("+"), COUNT, ascii(Integer.toString(PAGE)));
            byte[] last = null;
            for (Object e : page) {
                final List<?> entry = (List<?>) e;
                last = (byte[]) entry.get(0);
                if (first || !java.util.Arrays.equals(last, from)) { // each page after the first starts with the last one's end
                    element(sha, last);
                    for (Object field : (List<?>) entry.get(1)) {
                        element(sha, (byte[]) field);
                    }
                }
            }
            if (page.size() < PAGE || last == null) {
                break;
            }
            from = last;
            first = false;
        }
        final Object groups = c.request(ascii("XINFO"), ascii("GROUPS"), key);
        if (groups instanceof List<?> list) {
            for (Object g : list) {
                final List<?> fields = (List<?>) g;
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    final String name = text(fields.get(i));
                    if (name.equals("name") || name.equals("last-delivered-id") || name.equals("pending")) {
                        element(sha, ascii(name + "=" + text(fields.get(i + 1))));
                    }
                }
            }
        }
        return hex(sha.digest());
    }

    private static String dump(RedisConnection c, byte[] key) throws IOException {
        final Object payload = call(c, ascii("DUMP"), key);
        return payload == null ? "" : hex(sha().digest((byte[]) payload));
    }

    private static Object call(RedisConnection c, byte[]... args) throws IOException {
        final Object reply = c.request(args);
        if (reply instanceof RespError e) {
            throw new IOException(new String(args[0], StandardCharsets.US_ASCII) + ": -" + e.message());
        }
        return reply;
    }

    private static void element(MessageDigest sha, byte[] bytes) {
        final int n = bytes.length;
        sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        sha.update(bytes);
    }

    private static long longAt(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[at + i] & 0xff);
        }
        return v;
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b, 0, 16);
    }

    static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
