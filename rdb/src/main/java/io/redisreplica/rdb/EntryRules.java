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
}
