package io.redisreplica.router.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class ShardKeyRewriterTest {
    private static ShardKeyRewriter rewriter(String... rules) {
        return new ShardKeyRewriter(Arrays.stream(rules).map(ShardKeyRewriter::parse).toList());
    }

    private static String rewrite(ShardKeyRewriter r, String key) {
        final byte[] b = key.getBytes(StandardCharsets.UTF_8);
        final int length = r.rewrite(b, 0, b.length); // first: bytes() is the result only after the call
        return new String(r.bytes(), 0, length, StandardCharsets.UTF_8);
    }

    @Test
    void shouldStripAPrefixOnlyFromKeysThatHaveIt() {
        final ShardKeyRewriter r = rewriter("strip-prefix=user:");
        assertEquals("42", rewrite(r, "user:42"));
        assertEquals("session:7", rewrite(r, "session:7"));
        assertEquals("", rewrite(r, "user:"));
    }

    @Test
    void shouldApplyStepsInOrderAndGrowForLongKeys() {
        final ShardKeyRewriter r = rewriter("strip-prefix=a:", "add-prefix=tenant-7:", "regex=^tenant-7:(\\d+)$ replace=t7:n:$1");
        assertEquals("t7:n:123", rewrite(r, "a:123"));
        assertEquals("tenant-7:x", rewrite(r, "a:x"));
        final String longKey = "a:" + "k".repeat(1000);
        assertEquals("tenant-7:" + "k".repeat(1000), rewrite(r, longKey));
    }

    @Test
    void shouldRewriteBinaryKeysByteForByte() {
        final ShardKeyRewriter r = rewriter("regex=^\\x00 replace=bin:");
        final byte[] key = {0, (byte) 0xff, (byte) 0xc3, 0x28};
        final int len = r.rewrite(key, 0, key.length);
        assertArrayEquals(new byte[] {'b', 'i', 'n', ':', (byte) 0xff, (byte) 0xc3, 0x28}, Arrays.copyOf(r.bytes(), len));
    }

    @Test
    void shouldRejectBadRulesWhenTheConfigLoads() {
        assertEquals("replace=x$2 refers to group $2, but regex ^(a) has 1",
            assertThrows(IllegalArgumentException.class, () -> ShardKeyRewriter.parse("regex=^(a) replace=x$2")).getMessage());
        assertEquals("regex=R needs replace=S after it",
            assertThrows(IllegalArgumentException.class, () -> ShardKeyRewriter.parse("regex=^a")).getMessage());
        assertEquals("expected strip-prefix=P, add-prefix=P or regex=R replace=S, got 'prefix=a'",
            assertThrows(IllegalArgumentException.class, () -> ShardKeyRewriter.parse("prefix=a")).getMessage());
        assertEquals("strip-prefix=a:, add-prefix=b:", new ShardKeyRewriter(List.of(ShardKeyRewriter.parse("strip-prefix=a:"),
            ShardKeyRewriter.parse("add-prefix=b:"))).describe());
    }
}
