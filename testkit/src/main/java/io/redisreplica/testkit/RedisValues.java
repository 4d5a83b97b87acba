package io.redisreplica.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A key's value in a canonical text form, for comparing two servers. DUMP is not canonical:
 * hash-table sets and hashes serialize in the order of their buckets, which differs between a
 * server that built the value and one that loaded it. This reads each type with commands whose
 * output order is defined (members sorted where Redis leaves the order open).
 *
 * <p>The text is readable so a difference can be printed: printable bytes as a quoted string,
 * other values in hex. A stream carries its entries and the state a replica must share with its
 * master: length, last id (and on 7.0 the deleted-entry and entries-added counters), each group's
 * last-delivered id, consumer and pending counts, each consumer's name and pending count, and each
 * pending entry with its consumer. Left out: times (idle, seen), which differ by nature, and what
 * a master does not replicate itself (delivery counts, 7.0's entries-read and lag), which its own
 * replicas do not share.
 */
public final class RedisValues {
    /** XINFO STREAM fields a replica must agree on (those a version lacks are simply absent). */
    private static final Set<String> STREAM_FIELDS =
        Set.of("length", "last-generated-id", "max-deleted-entry-id", "entries-added", "recorded-first-entry-id", "groups");
    /**
     * XINFO GROUPS fields a replica must agree on. Not entries-read and lag (Redis 7): a master
     * does not propagate them for every read, so even its own replicas show null there.
     */
    private static final Set<String> GROUP_FIELDS = Set.of("name", "consumers", "pending", "last-delivered-id");
    private static final Set<String> CONSUMER_FIELDS = Set.of("name", "pending");

    /** Strings longer than this are compared by length and digest. */
    static final long DIGESTED_STRING = 1 << 20;

    private RedisValues() {
    }

    /** TYPE, then the value in canonical form: {@code "set:[\"a\", \"b\"]"}; {@code "none:"} for a missing key. */
    public static String canonical(RedisClient c, Object key) {
        final String type = c.callString("TYPE", key);
        return type + ":" + switch (type) {
            case "none" -> "";
            case "string" -> string(c, key);
            case "list" -> text(c.call("LRANGE", key, 0, -1));
            case "set" -> sorted(c.call("SMEMBERS", key));
            case "zset" -> text(c.call("ZRANGE", key, 0, -1, "WITHSCORES"));
            case "hash" -> sortedPairs(c.call("HGETALL", key));
            case "stream" -> stream(c, key);
            default -> text(c.call("DUMP", key));
        };
    }

    /**
     * A string as text, or past {@link #DIGESTED_STRING} bytes as its length and a SHA-1 the server
     * computes: a 300 MB value compared as escaped text would cost the test JVM gigabytes.
     */
    private static String string(RedisClient c, Object key) {
        final long length = c.callLong("STRLEN", key);
        if (length <= DIGESTED_STRING) {
            return text(c.call("GET", key));
        }
        return "len=" + length + " sha1=" + c.callString("EVAL", "return redis.sha1hex(redis.call('GET', KEYS[1]))", 1, key);
    }

    private static String stream(RedisClient c, Object key) {
        final StringBuilder sb = new StringBuilder(text(c.call("XRANGE", key, "-", "+")));
        sb.append(" info ").append(fields(c.call("XINFO", "STREAM", key), STREAM_FIELDS));
        for (Object g : (List<?>) c.call("XINFO", "GROUPS", key)) {
            final List<?> group = (List<?>) g;
            final Object name = valueOf(group, "name");
            sb.append(" group ").append(fields(group, GROUP_FIELDS)).append(" consumers [");
            for (Object consumer : (List<?>) c.call("XINFO", "CONSUMERS", key, name)) {
                sb.append(fields(consumer, CONSUMER_FIELDS));
            }
            sb.append("] pel [");
            for (Object p : (List<?>) c.call("XPENDING", key, name, "-", "+", Integer.MAX_VALUE)) {
                // id, consumer, idle ms, deliveries: idle differs by nature, and a read of a consumer's
                // history (XREADGROUP ... 0) raises the delivery count on the master alone
                final List<?> pending = (List<?>) p;
                sb.append(text(pending.get(0))).append(' ').append(text(pending.get(1))).append(';');
            }
            sb.append(']');
        }
        return sb.toString();
    }

    /** The {@code wanted} fields of a flat field/value reply, in the server's order. */
    private static String fields(Object reply, Set<String> wanted) {
        final List<?> list = (List<?>) reply;
        final StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i + 1 < list.size(); i += 2) {
            final String field = new String((byte[]) list.get(i), StandardCharsets.UTF_8);
            if (wanted.contains(field)) {
                sb.append(field).append('=').append(text(list.get(i + 1))).append(' ');
            }
        }
        return sb.append('}').toString();
    }

    private static Object valueOf(List<?> flat, String field) {
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            if (field.equals(new String((byte[]) flat.get(i), StandardCharsets.UTF_8))) {
                return flat.get(i + 1);
            }
        }
        throw new IllegalStateException("no " + field + " in " + text(flat));
    }

    /** A reply as text: printable bytes quoted, others as {@code 0x...}, arrays as {@code [a, b]}. */
    public static String text(Object reply) {
        if (reply instanceof byte[] b) {
            return printable(b) ? '"' + new String(b, StandardCharsets.US_ASCII) + '"' : "0x" + HexFormat.of().formatHex(b);
        }
        if (reply instanceof List<?> list) {
            final List<String> parts = new ArrayList<>(list.size());
            for (Object o : list) {
                parts.add(text(o));
            }
            return parts.toString();
        }
        return String.valueOf(reply);
    }

    private static boolean printable(byte[] b) {
        for (byte x : b) {
            if (x < 0x20 || x > 0x7e || x == '"') {
                return false;
            }
        }
        return true;
    }

    private static String sorted(Object reply) {
        final List<String> parts = new ArrayList<>();
        for (Object o : (List<?>) reply) {
            parts.add(text(o));
        }
        parts.sort(null);
        return parts.toString();
    }

    private static String sortedPairs(Object reply) {
        final List<?> list = (List<?>) reply;
        final List<String> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < list.size(); i += 2) {
            pairs.add(text(list.get(i)) + "=" + text(list.get(i + 1)));
        }
        pairs.sort(null);
        return pairs.toString();
    }
}
