package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The README's first command ends in this: real redis-servers, the original scenario. */
class DemoIntegrationTest {
    @Test
    void shouldSplitApplesAndBananasIntoTheirShards() {
        final Cli cli = Cli.run("demo");
        assertEquals(0, cli.exit(), cli.err());
        assertTrue(cli.out().contains("master holds: [apple, apricot:stock, avocado, banana, basket, blueberry, cucumber]"), cli.out());
        assertTrue(cli.out().contains("3 keys to a, 3 to b, 1 claimed by no shard (dropped)"), cli.out());
        assertTrue(cli.out().lines().anyMatch(l -> l.startsWith("shard a ") && l.endsWith("holds: [apple, apricot:stock, avocado]")), cli.out());
        assertTrue(cli.out().lines().anyMatch(l -> l.startsWith("shard b ") && l.endsWith("holds: [banana, basket, blueberry]")), cli.out());
        assertTrue(cli.out().contains("GET apple -> red"), cli.out());
    }
}
