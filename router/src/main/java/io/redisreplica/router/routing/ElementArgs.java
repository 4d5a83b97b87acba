package io.redisreplica.router.routing;

import java.nio.charset.StandardCharsets;

import io.redisreplica.resp.Command;

/**
 * Where a collection command's elements are: for each, the argument index of the element, of the
 * first argument of its group (what goes with it when it is left out: a ZADD score, a GEOADD
 * longitude and latitude, a HSET field), and of its hash field (or -1). Filled anew per command.
 */
final class ElementArgs {
    private static final byte[][] ALL_AFTER_KEY = bytes("LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "SADD", "SREM", "ZREM");
    private static final byte[][] THIRD = bytes("LSET", "LREM", "SMOVE", "ZINCRBY");
    private static final byte[] LINSERT = bytes("LINSERT")[0];
    private static final byte[] HSETNX = bytes("HSETNX")[0];
    private static final byte[][] HSET = bytes("HSET", "HMSET");
    private static final byte[] ZADD = bytes("ZADD")[0];
    private static final byte[] GEOADD = bytes("GEOADD")[0];
    private static final byte[][] ZADD_OPTIONS = bytes("NX", "XX", "GT", "LT", "CH", "INCR");

    int[] element = new int[16];
    int[] group = new int[16];
    int[] field = new int[16];
    int count;

    private static byte[][] bytes(String... names) {
        final byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            out[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }

    private static boolean nameIn(Command c, byte[][] names) {
        for (byte[] n : names) {
            if (c.nameIs(n)) {
                return true;
            }
        }
        return false;
    }

    /** Fills the positions for {@code c}; false when it has no element arguments we know. */
    boolean of(Command c) {
        count = 0;
        final int argc = c.argCount();
        if (nameIn(c, ALL_AFTER_KEY)) {
            for (int a = 2; a < argc; a++) {
                add(a, a, -1);
            }
        } else if (nameIn(c, THIRD) && argc > 3) {
            add(3, 3, -1);
        } else if (c.nameIs(LINSERT) && argc > 4) {
            add(3, 3, -1); // the pivot, named by value
            add(4, 4, -1);
        } else if (c.nameIs(HSETNX) && argc > 3) {
            add(3, 2, 2);
        } else if (nameIn(c, HSET)) {
            for (int a = 3; a < argc; a += 2) {
                add(a, a - 1, a - 1);
            }
        } else if (c.nameIs(ZADD) || c.nameIs(GEOADD)) {
            int a = 2;
            while (a < argc && isOption(c, a)) {
                a++;
            }
            final int step = c.nameIs(ZADD) ? 2 : 3; // score member, or longitude latitude member
            for (; a + step - 1 < argc; a += step) {
                add(a + step - 1, a, -1);
            }
        }
        return count > 0;
    }

    private static boolean isOption(Command c, int arg) {
        for (byte[] option : ZADD_OPTIONS) {
            if (c.argEqualsIgnoreCase(arg, option)) {
                return true;
            }
        }
        return false;
    }

    private void add(int elementArg, int groupArg, int fieldArg) {
        if (count == element.length) {
            element = java.util.Arrays.copyOf(element, count * 2);
            group = java.util.Arrays.copyOf(group, count * 2);
            field = java.util.Arrays.copyOf(field, count * 2);
        }
        element[count] = elementArg;
        group[count] = groupArg;
        field[count] = fieldArg;
        count++;
    }
}
