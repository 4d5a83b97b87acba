package io.redisreplica.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespError;
import io.redisreplica.resp.RespWriter;

/**
 * What keys hold, as short texts that two servers of any version and encoding give alike when
 * their keys are equal: type, a SHA-256 of the value read in pages (never a whole value in
 * memory), and time to live. Ordered types (strings, lists, sorted sets by score and member,
 * streams by ID) hash in order; sets and hashes, whose scan order differs from server to server,
 * hash as an order-free sum of their elements' hashes, checked against their cardinality (a
 * SCAN that returned an element twice, during a rehash, is read again).
 *
 * <p>A batch of keys costs two pipelined round trips (TYPE and PTTL of all, then the first page
 * of each value); only values longer than a page take more, key by key.
 *
 * <p>Over 300 lines: one digest per data type (string, list, set, zset, hash, stream) that must
 * agree between two servers of any version and encoding, kept side by side so they stay comparable.
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

    /** Whether each key exists, in one pipelined round trip: what a shard's key needs of the master (placement). */
    static boolean[] exist(RespClient c, List<byte[]> keys) throws IOException {
        final List<Object> replies = pipeline(c, keys, (w, k) -> w.arrayHeader(2).bulk(ascii("EXISTS")).bulk(k), 1);
        final boolean[] exist = new boolean[keys.size()];
        for (int i = 0; i < exist.length; i++) {
            exist[i] = Long.valueOf(1).equals(check(replies.get(i), "EXISTS"));
        }
        return exist;
    }

    /** Each key's string value, whole, in one pipelined round trip: null where it is not a string (any more). */
    static List<byte[]> strings(RespClient c, List<byte[]> keys) throws IOException {
        final List<Object> replies = pipeline(c, keys, (w, k) -> w.arrayHeader(2).bulk(ascii("GET")).bulk(k), 1);
        final List<byte[]> values = new ArrayList<>(keys.size());
        for (Object r : replies) {
            values.add(r instanceof byte[] b ? b : null); // WRONGTYPE: it changed under us; the next pass reads it again
        }
        return values;
    }

    /** Reads every key of {@code keys} on {@code c}, in its selected db. */
    static List<Reading> read(RespClient c, List<byte[]> keys) throws IOException {
        final List<Object> typesAndTtls = pipeline(c, keys, (w, k) -> {
            w.arrayHeader(2).bulk(ascii("TYPE")).bulk(k);
            w.arrayHeader(2).bulk(ascii("PTTL")).bulk(k);
        }, 2);
        final String[] types = new String[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            types[i] = text(check(typesAndTtls.get(2 * i), "TYPE"));
        }
        final List<Object> pages = pipelineFirstPages(c, keys, types);
        final List<Reading> readings = new ArrayList<>(keys.size());
        int at = 0;
        for (int i = 0; i < keys.size(); i++) {
            final byte[] key = keys.get(i);
            final String digest;
            switch (types[i]) {
                case "none" -> digest = "";
                case "string" -> {
                    digest = string(c, key, (Long) check(pages.get(at), "STRLEN"), (byte[]) check(pages.get(at + 1), "GETRANGE"));
                    at += 2;
                }
                case "list" -> digest = ordered(c, key, "LRANGE", null, (List<?>) check(pages.get(at++), "LRANGE"));
                case "zset" -> digest = ordered(c, key, "ZRANGE", ascii("WITHSCORES"), (List<?>) check(pages.get(at++), "ZRANGE"));
                case "set" -> {
                    digest = unordered(c, key, "SSCAN", (Long) check(pages.get(at), "SCARD"), 1, (List<?>) check(pages.get(at + 1), "SSCAN"));
                    at += 2;
                }
                case "hash" -> {
                    digest = unordered(c, key, "HSCAN", (Long) check(pages.get(at), "HLEN"), 2, (List<?>) check(pages.get(at + 1), "HSCAN"));
                    at += 2;
                }
                case "stream" -> {
                    digest = stream(c, key, (List<?>) check(pages.get(at), "XRANGE"), pages.get(at + 1));
                    at += 2;
                }
                default -> {
                    // a module's type: its serialized form, same module version on both sides
                    final Object payload = check(pages.get(at++), "DUMP");
                    digest = payload == null ? "" : hex(sha().digest((byte[]) payload));
                }
            }
            final long pttl = types[i].equals("none") ? -2 : (Long) check(typesAndTtls.get(2 * i + 1), "PTTL");
            readings.add(new Reading(types[i], digest, pttl));
        }
        return readings;
    }

    /** The first page of each value, all keys in one round trip. */
    private static List<Object> pipelineFirstPages(RespClient c, List<byte[]> keys, String[] types) throws IOException {
        final RespWriter w = new RespWriter();
        final org.agrona.ExpandableArrayBuffer buf = new org.agrona.ExpandableArrayBuffer(64 * 1024);
        w.wrap(buf, 0);
        int expected = 0;
        final byte[] zero = ascii("0");
        final byte[] lastOfPage = ascii(Integer.toString(PAGE - 1));
        final byte[] page = ascii(Integer.toString(PAGE));
        for (int i = 0; i < keys.size(); i++) {
            final byte[] k = keys.get(i);
            switch (types[i]) {
                case "none" -> {
                }
                case "string" -> {
                    w.arrayHeader(2).bulk(ascii("STRLEN")).bulk(k);
                    w.arrayHeader(4).bulk(ascii("GETRANGE")).bulk(k).bulk(zero).bulk(ascii(Integer.toString(STRING_CHUNK - 1)));
                    expected += 2;
                }
                case "list" -> {
                    w.arrayHeader(4).bulk(ascii("LRANGE")).bulk(k).bulk(zero).bulk(lastOfPage);
                    expected++;
                }
                case "zset" -> {
                    w.arrayHeader(5).bulk(ascii("ZRANGE")).bulk(k).bulk(zero).bulk(lastOfPage).bulk(ascii("WITHSCORES"));
                    expected++;
                }
                case "set", "hash" -> {
                    w.arrayHeader(2).bulk(ascii(types[i].equals("set") ? "SCARD" : "HLEN")).bulk(k);
                    w.arrayHeader(5).bulk(ascii(types[i].equals("set") ? "SSCAN" : "HSCAN")).bulk(k).bulk(zero).bulk(COUNT).bulk(page);
                    expected += 2;
                }
                case "stream" -> {
                    w.arrayHeader(6).bulk(ascii("XRANGE")).bulk(k).bulk(ascii("-")).bulk(ascii("+")).bulk(COUNT).bulk(page);
                    w.arrayHeader(3).bulk(ascii("XINFO")).bulk(ascii("GROUPS")).bulk(k);
                    expected += 2;
                }
                default -> {
                    w.arrayHeader(2).bulk(ascii("DUMP")).bulk(k);
                    expected++;
                }
            }
        }
        return exchange(c, buf, w.position(), expected);
    }

    private interface Commands {
        void write(RespWriter w, byte[] key);
    }

    /** Sends {@code perKey} commands per key in one write and reads all their replies. */
    private static List<Object> pipeline(RespClient c, List<byte[]> keys, Commands commands, int perKey) throws IOException {
        final RespWriter w = new RespWriter();
        final org.agrona.ExpandableArrayBuffer buf = new org.agrona.ExpandableArrayBuffer(64 * 1024);
        w.wrap(buf, 0);
        for (byte[] k : keys) {
            commands.write(w, k);
        }
        return exchange(c, buf, w.position(), keys.size() * perKey);
    }

    /** Sends the pipeline written in {@code buf} and reads its {@code expected} replies. */
    private static List<Object> exchange(RespClient c, org.agrona.ExpandableArrayBuffer buf, int length, int expected) throws IOException {
        c.send(buf.byteArray(), 0, length);
        final List<Object> replies = new ArrayList<>(expected);
        for (int i = 0; i < expected; i++) {
            replies.add(c.read());
        }
        return replies;
    }

    private static String string(RespClient c, byte[] key, long length, byte[] first) throws IOException {
        final MessageDigest sha = sha();
        sha.update(first);
        for (long at = first.length; at < length; at += STRING_CHUNK) {
            sha.update((byte[]) call(c, ascii("GETRANGE"), key, ascii(Long.toString(at)), ascii(Long.toString(at + STRING_CHUNK - 1))));
        }
        return hex(sha.digest());
    }

    /** LRANGE or ZRANGE (by rank: score, then member) in pages; each element hashed with its length. */
    private static String ordered(RespClient c, byte[] key, String range, byte[] option, List<?> firstPage) throws IOException {
        final MessageDigest sha = sha();
        List<?> page = firstPage;
        for (long at = 0; ; ) {
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
            at += PAGE;
            final byte[] from = ascii(Long.toString(at));
            final byte[] to = ascii(Long.toString(at + PAGE - 1));
            page = (List<?>) (option == null ? call(c, ascii(range), key, from, to) : call(c, ascii(range), key, from, to, option));
        }
    }

    /** SSCAN/HSCAN: a sum of each element's (or field and value's) hash, so any order gives the same digest. */
    private static String unordered(RespClient c, byte[] key, String scan, long expected, int width, List<?> firstReply)
        throws IOException {
        for (int attempt = 0; ; attempt++) {
            long a = 0;
            long b = 0;
            long seen = 0;
            List<?> reply = attempt == 0 ? firstReply : (List<?>) call(c, ascii(scan), key, ascii("0"), COUNT, ascii(Integer.toString(PAGE)));
            while (true) {
                final byte[] cursor = (byte[]) reply.get(0);
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
                if (cursor.length == 1 && cursor[0] == '0') {
                    break;
                }
                reply = (List<?>) call(c, ascii(scan), key, cursor, COUNT, ascii(Integer.toString(PAGE)));
            }
            if (seen == expected || attempt == 2) {
                return Long.toHexString(a) + Long.toHexString(b) + (seen == expected ? "" : "~" + seen + "/" + expected);
            }
        }
    }

    /** Entries by ID in pages, then the consumer groups (name, last delivered ID, pending count). */
    private static String stream(RespClient c, byte[] key, List<?> firstPage, Object groups) throws IOException {
        final MessageDigest sha = sha();
        List<?> page = firstPage;
        byte[] from = null;
        while (true) {
            byte[] last = null;
            for (Object e : page) {
                final List<?> entry = (List<?>) e;
                last = (byte[]) entry.get(0);
                if (from == null || !java.util.Arrays.equals(last, from)) { // each page after the first starts with the last one's end
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
            page = (List<?>) call(c, ascii("XRANGE"), key, from, ascii("+"), COUNT, ascii(Integer.toString(PAGE)));
        }
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

    /**
     * A read a cluster node refused because the key's slot is served elsewhere (MOVED) or is moving
     * (ASK, TRYAGAIN): to be read again where the slot goes. Thrown once every reply was read,
     * so the connection goes on.
     */
    static final class Redirected extends IOException {
        private final String redirect;

        Redirected(String what, String redirect) {
            super(what + ": -" + redirect);
            this.redirect = redirect;
        }

        String redirect() {
            return redirect;
        }

        /** The slot a MOVED or ASK names; -1 for TRYAGAIN, which names none. */
        int slot() {
            final String[] words = redirect.split(" ");
            return words.length >= 3 && !words[0].equals("TRYAGAIN") ? Integer.parseInt(words[1]) : -1;
        }
    }

    private static Object check(Object reply, String what) throws IOException {
        if (reply instanceof RespError e) {
            if (ClusterNodes.redirect(e.message())) {
                throw new Redirected(what, e.message());
            }
            throw new IOException(what + ": -" + e.message());
        }
        return reply;
    }

    private static Object call(RespClient c, byte[]... args) throws IOException {
        return check(c.request(args), new String(args[0], StandardCharsets.US_ASCII));
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
