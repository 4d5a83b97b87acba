package io.redisreplica.rdb;

/**
 * What the splitter keeps of each entry beyond the shard map: whole types dropped, and string
 * values filtered or rewritten (which makes the splitter decode them: a string's value is then
 * held whole, as Redis itself holds it).
 */
public interface EntryRules {
    /** Whether entries of this RDB value type are kept. */
    boolean keeps(int rdbType);

    /** Whether string values must be decoded and passed to {@link #stringValue}. */
    boolean decodesStrings();

    /** The string value to write for a key, or null to drop the key. */
    byte[] stringValue(long db, byte[] key, int keyLength, byte[] value);

    /** Whether the elements of lists, sets, sorted sets and hashes must be decoded and passed to {@link #element}. */
    default boolean decodesElements() {
        return false;
    }

    /**
     * An element to write: a list element, a set or sorted-set member, a hash field's value.
     *
     * @param type list, set, zset or hash
     * @param field the hash field, or null
     * @return the element, or null to leave it out (not for lists)
     */
    default byte[] element(long db, byte[] key, int keyLength, String type, byte[] field, byte[] element) {
        return element;
    }
}
