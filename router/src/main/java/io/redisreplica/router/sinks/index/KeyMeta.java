package io.redisreplica.router.sinks.index;

/**
 * What the index keeps of a key besides its hash, in one long:
 *
 * <pre>
 *   bits 0-2   type: 1 string, 2 list, 3 set, 4 zset, 5 hash, 6 stream, 7 unknown (a module's, or a
 *              command whose effect the router does not know)
 *   bit  3     maybe gone: the last command may have emptied the key (Redis deletes an empty
 *              collection and sends the command, not a DEL), so it may no longer exist
 *   bits 8-63  expiry, Unix time in milliseconds; 0 for none
 * </pre>
 */
public final class KeyMeta {
    public static final int STRING = 1;
    public static final int LIST = 2;
    public static final int SET = 3;
    public static final int ZSET = 4;
    public static final int HASH = 5;
    public static final int STREAM = 6;
    public static final int UNKNOWN = 7;
    private static final long MAYBE_GONE = 8;
    private static final String[] NAMES = {"none", "string", "list", "set", "zset", "hash", "stream", "unknown"};

    private KeyMeta() {
    }

    public static long of(int type, long expireAtMs, boolean maybeGone) {
        return (Math.max(0, expireAtMs) << 8) | (maybeGone ? MAYBE_GONE : 0) | (type & 7);
    }

    public static int type(long meta) {
        return (int) (meta & 7);
    }

    public static long expireAtMs(long meta) {
        return meta >>> 8;
    }

    public static boolean maybeGone(long meta) {
        return (meta & MAYBE_GONE) != 0;
    }

    /** The type as Redis's TYPE command names it; 0 is {@code none}. */
    public static String typeName(int type) {
        return NAMES[type & 7];
    }

    /** The type of an RDB value type byte (also the first byte of a DUMP payload). */
    public static int ofRdbType(int rdbType) {
        return switch (rdbType) {
            case 0 -> STRING;
            case 1, 10, 14, 18 -> LIST;
            case 2, 11, 20 -> SET;
            case 3, 5, 12, 17 -> ZSET;
            case 4, 9, 13, 16, 22, 23, 24, 25 -> HASH;
            case 15, 19, 21, 26 -> STREAM;
            default -> UNKNOWN;
        };
    }
}
