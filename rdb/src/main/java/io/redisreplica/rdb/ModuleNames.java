package io.redisreplica.rdb;

/**
 * Module type ids as Redis encodes them: 9 characters of a 64-character set, 6 bits each,
 * followed by a 10-bit encoding version ({@code moduleTypeNameByID} in module.c).
 */
final class ModuleNames {
    private static final String CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private ModuleNames() {
    }

    /** For example {@code "ReJSON-RL/v0"}. */
    static String of(long moduleId) {
        final char[] name = new char[9];
        long id = moduleId >>> 10;
        for (int i = 8; i >= 0; i--) {
            name[i] = CHARSET.charAt((int) (id & 63));
            id >>>= 6;
        }
        return new String(name) + "/v" + (moduleId & 1023);
    }
}
