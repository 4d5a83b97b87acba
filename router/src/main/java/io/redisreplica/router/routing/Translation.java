package io.redisreplica.router.routing;

import java.util.Locale;

import io.redisreplica.resp.Command;

/** How a cross-shard command is translated: which keys are read, what the source gets. */
enum Translation {
    /** RENAME/RENAMENX: DEL of the source; the destination read. */
    RENAME,
    /** RPOPLPUSH/BRPOPLPUSH: RPOP of the source. */
    RPOP,
    /** LMOVE/BLMOVE: the pop its wherefrom names. */
    LMOVE,
    /** SMOVE: SREM of the member from the source, SADD of it to the destination; nothing read. */
    SMOVE,
    /** COPY: the destination read, in the db its DB option names. */
    COPY,
    /** *STORE, PFMERGE, BITOP, GEOSEARCHSTORE: only the first key (the destination) changes. */
    FIRST_KEY,
    /** SORT ... STORE, GEORADIUS ... STORE: the last key is the destination. */
    LAST_KEY,
    /** MOVE of a key that was read: the key in both dbs. */
    MOVE,
    /** Scripts and anything else: every key read. */
    ALL_KEYS;

    static Translation of(Command c) {
        final String name = c.argString(0).toUpperCase(Locale.ROOT);
        return switch (name) {
            case "RENAME", "RENAMENX" -> RENAME;
            case "RPOPLPUSH", "BRPOPLPUSH" -> RPOP;
            case "LMOVE", "BLMOVE" -> LMOVE;
            case "SMOVE" -> SMOVE;
            case "COPY" -> COPY;
            case "SUNIONSTORE", "SINTERSTORE", "SDIFFSTORE", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZRANGESTORE",
                 "GEOSEARCHSTORE", "PFMERGE", "BITOP" -> FIRST_KEY;
            case "SORT", "GEORADIUS", "GEORADIUSBYMEMBER" -> LAST_KEY;
            default -> ALL_KEYS;
        };
    }

    boolean sourceEffect() {
        return this == RENAME || this == RPOP || this == LMOVE || this == SMOVE;
    }

    /** Whether key {@code i} of {@code n} is read from the master. */
    boolean reads(int i, int n) {
        return switch (this) {
            case RENAME, RPOP, LMOVE, COPY -> i == 1;
            case SMOVE -> false; // the member is in the command: SREM and SADD say it all
            case FIRST_KEY -> i == 0;
            case LAST_KEY -> i == n - 1 && n > 1;
            case MOVE -> i == 0;
            case ALL_KEYS -> true;
        };
    }
}
