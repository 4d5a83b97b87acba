package io.redisreplica.router.sinks;

import java.util.function.LongSupplier;

import io.redisreplica.resp.Command;

/**
 * The expiry a journaled command leaves on its key, read from its arguments for {@link KeyKinds}:
 * SET's PXAT, EXAT and KEEPTTL, PEXPIREAT, EXPIREAT, PERSIST, GETEX, and the relative forms a master
 * before Redis 7 sends when the router did not rewrite them ({@code time}: when the entry was
 * committed). Also COPY's DB option. Allocates nothing.
 */
final class ExpiryArgs {
    private ExpiryArgs() {
    }

    /** SET's new expiry: PXAT, EXAT, or PX/EX from a master whose SET the router did not rewrite; 0 for none. */
    static long set(Command c, LongSupplier time) {
        for (int i = 3; i + 1 < c.argCount(); i++) {
            final long at = option(c, i, time);
            if (at >= 0) {
                return at;
            }
        }
        return 0;
    }

    /** SETEX and PSETEX (from a master whose stream the router did not rewrite) set one; the others clear it. */
    static long ttl(Command c, String name, LongSupplier time) {
        if (name.equals("SETEX") && c.argCount() > 2) {
            return time.getAsLong() + c.argLong(2) * 1000;
        }
        if (name.equals("PSETEX") && c.argCount() > 2) {
            return time.getAsLong() + c.argLong(2);
        }
        return 0;
    }

    /** The expiry after an expiry command, given the one before. */
    static long after(Command c, String name, long before, LongSupplier time) {
        switch (name) {
            case "PEXPIREAT" -> {
                return c.argLong(2);
            }
            case "EXPIREAT" -> {
                return c.argLong(2) * 1000;
            }
            case "PEXPIRE" -> {
                return time.getAsLong() + c.argLong(2);
            }
            case "EXPIRE" -> {
                return time.getAsLong() + c.argLong(2) * 1000;
            }
            case "PERSIST" -> {
                return 0;
            }
            default -> { // GETEX
                for (int i = 2; i < c.argCount(); i++) {
                    if (is(c, i, "PERSIST")) {
                        return 0;
                    }
                    final long at = i + 1 < c.argCount() ? option(c, i, time) : -1;
                    if (at >= 0) {
                        return at;
                    }
                }
                return before;
            }
        }
    }

    /** The expiry that the option at {@code i} (PXAT, EXAT, PX or EX, with its value after it) sets, or -1 for another word. */
    private static long option(Command c, int i, LongSupplier time) {
        if (is(c, i, "PXAT")) {
            return c.argLong(i + 1);
        }
        if (is(c, i, "EXAT")) {
            return c.argLong(i + 1) * 1000;
        }
        if (is(c, i, "PX")) {
            return time.getAsLong() + c.argLong(i + 1);
        }
        if (is(c, i, "EX")) {
            return time.getAsLong() + c.argLong(i + 1) * 1000;
        }
        return -1;
    }

    static int copyDb(Command c, int db) {
        for (int i = 3; i + 1 < c.argCount(); i++) {
            if (is(c, i, "DB")) {
                return (int) c.argLong(i + 1);
            }
        }
        return db;
    }

    static boolean hasWord(Command c, int from, String word) {
        for (int i = from; i < c.argCount(); i++) {
            if (is(c, i, word)) {
                return true;
            }
        }
        return false;
    }

    private static boolean is(Command c, int i, String word) {
        if (c.argLength(i) != word.length()) {
            return false;
        }
        for (int j = 0; j < word.length(); j++) {
            if (Character.toUpperCase((char) c.buffer().getByte(c.argOffset(i) + j)) != word.charAt(j)) {
                return false;
            }
        }
        return true;
    }

}
