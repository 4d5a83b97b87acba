package io.redisreplica.router.routing;

import java.nio.charset.StandardCharsets;

/** Claims keys that start with a byte prefix. */
public final class PrefixMatcher implements KeyMatcher {
    private final byte[] prefix;

    public PrefixMatcher(String prefix) {
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean matches(byte[] key, int offset, int length) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String describe() {
        return "prefix=" + new String(prefix, StandardCharsets.UTF_8);
    }
}
