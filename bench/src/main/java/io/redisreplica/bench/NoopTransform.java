package io.redisreplica.bench;

import io.redisreplica.api.ValueTransform;

/** Keeps every value as it is: what the router's value path costs before any user work. */
public final class NoopTransform implements ValueTransform {
    @Override
    public byte[] transform(int db, byte[] key, byte[] value) {
        return value;
    }
}
