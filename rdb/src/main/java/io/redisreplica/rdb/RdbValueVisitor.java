package io.redisreplica.rdb;

/**
 * Receives a decoded value, element by element, whatever its encoding (plain, ziplist, listpack,
 * intset, zipmap, quicklist). Integers stored as integers arrive as their decimal text, as Redis
 * returns them. Every method has a no-op default; arrays are the caller's to keep.
 */
public interface RdbValueVisitor {
    default void onString(RdbEntry entry, byte[] value) {
    }

    default void onListItem(RdbEntry entry, byte[] item) {
    }

    default void onSetMember(RdbEntry entry, byte[] member) {
    }

    default void onZsetMember(RdbEntry entry, byte[] member, double score) {
    }

    /** A hash field; {@code expireAtMs} is its field expiry (Redis 7.4 hash field expiration), or -1. */
    default void onHashField(RdbEntry entry, byte[] field, byte[] value, long expireAtMs) {
    }

    /** A stream entry (deleted entries are not reported); fields and values alternate. */
    default void onStreamEntry(RdbEntry entry, long ms, long seq, byte[][] fieldsAndValues) {
    }

    /** A module value, which cannot be decoded without its module. */
    default void onModuleValue(RdbEntry entry, String module) {
    }
}
