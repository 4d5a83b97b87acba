package io.redisreplica.rdb;

/**
 * Rewrites a key on its way to a shard: a namespace prefix added or stripped, a regex replacement.
 * A flyweight: the result stays in {@link #bytes()} until the next call, so one instance serves
 * one thread (the router's upstream link does both the RDB split and the command stream).
 */
public interface KeyRewriter {
    /** @return the rewritten key's length; its bytes are {@code bytes()[0, length)} */
    int rewrite(byte[] key, int offset, int length);

    /** The last rewritten key. */
    byte[] bytes();
}
