package io.redisreplica.router.routing;

/** Decides whether a shard claims a key. Implementations allocate nothing per key. */
public interface KeyMatcher {
    boolean matches(byte[] key, int offset, int length);

    /** For messages and {@code INFO}: {@code regex=^a.*}, {@code prefix=user:}, {@code slots=0-5460}. */
    String describe();
}
