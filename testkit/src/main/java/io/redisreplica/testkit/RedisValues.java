package io.redisreplica.testkit;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A key's value in a canonical text form, for comparing two servers. DUMP is not canonical:
 * hash-table sets and hashes serialize in the order of their buckets, which differs between a
 * server that built the value and one that loaded it. This reads each type with commands whose
 * output order is defined (members sorted where Redis leaves the order open).
 */
public final class RedisValues {
    private RedisValues() {
    }

    public static String canonical(RedisClient c, Object key) {
        final String type = c.callString("TYPE", key);
        return type + ":" + switch (type) {
            case "string" -> hex(c.call("GET", key));
            case "list" -> hex(c.call("LRANGE", key, 0, -1));
            case "set" -> sorted(c.call("SMEMBERS", key));
            case "zset" -> hex(c.call("ZRANGE", key, 0, -1, "WITHSCORES"));
            case "hash" -> sortedPairs(c.call("HGETALL", key));
            case "stream" -> hex(c.call("XRANGE", key, "-", "+")) + " groups " + hex(c.call("XINFO", "GROUPS", key));
            default -> hex(c.call("DUMP", key));
        };
    }

    private static String hex(Object reply) {
        if (reply instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (reply instanceof List<?> list) {
            final List<String> parts = new ArrayList<>();
            for (Object o : list) {
                parts.add(hex(o));
            }
            return parts.toString();
        }
        return String.valueOf(reply);
    }

    private static String sorted(Object reply) {
        final List<String> parts = new ArrayList<>();
        for (Object o : (List<?>) reply) {
            parts.add(hex(o));
        }
        parts.sort(null);
        return parts.toString();
    }

    private static String sortedPairs(Object reply) {
        final List<?> list = (List<?>) reply;
        final List<String> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < list.size(); i += 2) {
            pairs.add(hex(list.get(i)) + "=" + hex(list.get(i + 1)));
        }
        pairs.sort(null);
        return pairs.toString();
    }
}
