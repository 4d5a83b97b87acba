package io.redisreplica.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A key changed on the master, as its shard's journal recorded it.
 *
 * <p>What a replication stream can tell: a key was written, its expiry set or cleared, it was
 * deleted, or its database flushed. It cannot tell a new key from a changed one, nor an expiry
 * from a DEL: the master sends a key that expired as DEL (or UNLINK). A sink that needs more
 * asks for the command's arguments ({@code values=yes}) or looks the key up.
 *
 * @param shard the shard whose journal holds it
 * @param db the database
 * @param offset the shard offset at the end of its journal entry: events of one entry share it,
 *     and it only grows, so a sink can tell what it has already seen
 * @param type what happened to the key
 * @param command the command's name, upper case (SET, HINCRBY, DEL, ...)
 * @param key the key as the shard sees it (rewritten, if the shard rewrites keys); null for FLUSH
 * @param args the command's arguments after the key (its value, fields, options), or an empty
 *     list when the sink did not ask for them
 */
public record KeyEvent(String shard, int db, long offset, Type type, String command, byte[] key, List<byte[]> args) {
    /** What happened to the key. */
    public enum Type {
        /** Written: created or changed (SET, HSET, INCR, LPUSH, ...). */
        WRITE,
        /** Deleted (DEL, UNLINK), expired included: the master sends an expiry as a DEL. */
        DEL,
        /** Its time to live was set or removed (EXPIRE, PEXPIREAT, PERSIST, ...). */
        EXPIRE,
        /** Its database was flushed (FLUSHDB) or all were (FLUSHALL, db -1); key is null. */
        FLUSH
    }

    /** The key as UTF-8 text (for messages; keys may be binary). */
    public String keyString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The event's type in lower case, as sinks write it: write, del, expire, flush. */
    public String typeName() {
        return type.name().toLowerCase(java.util.Locale.ROOT);
    }
}
