package io.redisreplica.router.routing;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.redisreplica.api.ValueTransform;

/** A transform on the test class path: values and elements in upper case, "drop-me" keeps its key (or element) off the shards. */
public final class UpperCaseTransform implements ValueTransform {
    @Override
    public byte[] transform(int db, byte[] key, byte[] value) {
        final String v = new String(value, StandardCharsets.UTF_8);
        return v.equals("drop-me") ? null : v.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    }

    /** Elements too: upper case, "drop-me" left out. */
    @Override
    public byte[] element(int db, byte[] key, String type, byte[] field, byte[] element) {
        return transform(db, key, element);
    }
}
