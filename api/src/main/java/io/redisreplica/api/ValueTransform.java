package io.redisreplica.api;

import java.util.Map;

/**
 * Rewrites string values on their way to the shards, or drops their keys: implement it in a jar,
 * list the class in that jar's {@code META-INF/services/io.redisreplica.api.ValueTransform}, and
 * name it in the router's config ({@code transform class=CLASS jar=PATH [key=value ...]}).
 *
 * <p>It sees every string value: those of the snapshot and the values of SET, SETNX, SETEX,
 * PSETEX, GETSET, MSET and MSETNX in the command stream. Values of other types pass unchanged,
 * and so do APPEND and SETRANGE (they carry a piece of a value, not a value). One instance serves
 * one thread at a time.
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
}
