package io.redisreplica.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A key changed on the master, as its shard's journal recorded it.
 *
 * <p>What a replication stream alone can tell ({@link #type()}): a key was written, its expiry set
 * or cleared, it was deleted, or its database flushed. A sink that asks for kinds ({@code
 * kinds=add,change,del,expire,rename,flush} on its config line) also gets {@link #kind()}, told
 * from a key index the router keeps for it, and {@link #keyType()}, the key's type after the
 * command. Without {@code kinds=} both are null. See the README's events section for what is exact.
 *
 * <p>Two events are equal when every component is, byte arrays by content.
 *
 * @param shard the shard whose journal holds it
 * @param db the database
 * @param offset the shard offset at the end of its journal entry: events of one entry share it,
 *     and it only grows, so a sink can tell what it has already seen
 * @param type what the command did to the key, as the stream tells it
 * @param command the command's name, upper case (SET, HINCRBY, DEL, ...)
 * @param key the key as the shard sees it (rewritten, if the shard rewrites keys); null for FLUSH
 * @param args the command's arguments after the key (its value, fields, options), or an empty
 *     list when the sink did not ask for them
 * @param kind what happened to the key, told from the router's key index; null when the sink did
 *     not ask for kinds
 * @param keyType the key's type after the command, as Redis's TYPE names it ({@code string},
 *     {@code list}, {@code set}, {@code zset}, {@code hash}, {@code stream}, {@code none} once
 *     deleted, {@code unknown} for module types or commands whose effect the router does not
 *     know); null when the sink did not ask for kinds
 */
public record KeyEvent(String shard, int db, long offset, Type type, String command, byte[] key, List<byte[]> args, Kind kind,
                       String keyType) {
    /** What the command did to the key, as the replication stream tells it. */
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

    /** What happened to the key, told from the router's key index ({@code kinds=} on the sink's line). */
    public enum Kind {
        /** The key did not exist before the command. */
        ADD,
        /** The key existed before the command and still does (its value or its expiry changed). */
        CHANGE,
        /**
         * Created or changed, the index cannot tell which: an earlier command may have emptied the
         * key (an LPOP of a list's last element deletes it, and the master sends the LPOP, not a
         * DEL), or the command's effect is unknown to the router (a module's, a script's).
         */
        WRITE,
        /** Deleted by a DEL or UNLINK the master sent for a key without a passed expiry. */
        DEL,
        /** Deleted by a DEL or UNLINK the master sent for a key whose recorded expiry had passed. */
        EXPIRE,
        /** The source of a RENAME or RENAMENX: it is gone, its value is now the destination's. */
        RENAME_FROM,
        /** The destination of a RENAME or RENAMENX: it holds the source's value (and expiry). */
        RENAME_TO,
        /** Its database was flushed (FLUSHDB) or all were (FLUSHALL, db -1); key is null. */
        FLUSH,
        /** The key was loaded from a new snapshot of the master (a full resync), with {@code kinds=...,load}. */
        LOAD;

        /** The kind's name as sinks write it: add, change, write, del, expire, rename_from, rename_to, flush, load. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An event without a kind (a sink that did not ask for kinds): the constructor of earlier versions. */
    public KeyEvent(String shard, int db, long offset, Type type, String command, byte[] key, List<byte[]> args) {
        this(shard, db, offset, type, command, key, args, null, null);
    }

    /** The key as UTF-8 text (for messages; keys may be binary). */
    public String keyString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The event's type in lower case: write, del, expire, flush. */
    public String typeName() {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /** What sinks write as the event: the kind's word when the sink asked for kinds, else {@link #typeName()}. */
    public String eventName() {
        return kind != null ? kind.word() : typeName();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof KeyEvent e)) {
            return false;
        }
        if (db != e.db || offset != e.offset || type != e.type || kind != e.kind || !shard.equals(e.shard)
            || !command.equals(e.command) || !java.util.Objects.equals(keyType, e.keyType) || !Arrays.equals(key, e.key)
            || args.size() != e.args.size()) {
            return false;
        }
        for (int i = 0; i < args.size(); i++) {
            if (!Arrays.equals(args.get(i), e.args.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = java.util.Objects.hash(shard, db, offset, type, command, kind, keyType);
        h = 31 * h + Arrays.hashCode(key);
        for (byte[] a : args) {
            h = 31 * h + Arrays.hashCode(a);
        }
        return h;
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder("KeyEvent[").append(shard).append(" db=").append(db).append(" offset=")
            .append(offset).append(' ').append(eventName()).append(' ').append(command).append(' ').append(keyString());
        if (keyType != null) {
            sb.append(" type=").append(keyType);
        }
        return sb.append(" args=").append(args.size()).append(']').toString();
    }
}
