package io.redisreplica.api;

import java.util.Map;

/**
 * Rewrites string values on their way to the shards, or drops their keys: implement it in a jar,
 * list the class in that jar's {@code META-INF/services/io.redisreplica.api.ValueTransform}, and
 * name it in the router's config ({@code transform class=CLASS jar=PATH [key=value ...]}).
 *
 * <p>{@link #transform} sees every string value: those of the snapshot and the values of SET,
 * SETNX, SETEX, PSETEX, GETSET, MSET and MSETNX in the command stream (APPEND and SETRANGE carry a
 * piece of a value and pass unchanged). {@link #element} sees the elements of lists, sets, sorted
 * sets and hashes. One instance serves one thread at a time.
 */
public interface ValueTransform {
    /** Called once before the first value, with the {@code key=value} words of its config line. */
    default void open(Map<String, String> options) throws Exception {
    }

    /**
     * @param db the database
     * @param key the key as the master has it (before any shard rewrites it)
     * @return the value to store (the same array to keep it), or null to keep the key off every
     *     shard (a live write becomes a DEL, so no shard keeps an older value)
     */
    byte[] transform(int db, byte[] key, byte[] value);

    /**
     * An element of a collection as the shards get it: a list element, a set or sorted-set member,
     * a hash field's value (the field's name is not changed). It must give the same answer for the
     * same input, since the stream names elements by value to remove them (LREM, SREM, ZREM,
     * LINSERT's pivot). Called for the snapshot's lists, sets, sorted sets and hashes, and for the
     * element arguments of LPUSH, RPUSH, LPUSHX, RPUSHX, LSET, LINSERT, LREM, SADD, SREM, SMOVE,
     * ZADD, ZREM, ZINCRBY, GEOADD, HSET, HMSET and HSETNX. Stream entries pass unchanged.
     *
     * @param type list, set, zset or hash
     * @param field the hash field whose value this is; null for the other types
     * @return the element to store, the same array to keep it, or null to leave out a set or
     *     sorted-set member or a hash field (a live write to it becomes SREM, ZREM or HDEL); a list
     *     element cannot be left out (positions would no longer match) and stays as it was
     */
    default byte[] element(int db, byte[] key, String type, byte[] field, byte[] element) {
        return element;
    }
}
