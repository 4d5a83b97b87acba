package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The README's first command ends in this: real redis-servers, the router, the original scenario. */
class DemoIntegrationTest {
    @Test
    void shouldReplicateApplesAndBananasIntoTheirShardsLive() {
        final Cli cli = Cli.run("demo");
        assertEquals(0, cli.exit(), cli.err());
        final String out = cli.out();
        assertTrue(out.contains("holds: [apple, apricot:stock, banana, basket, cucumber]"), out);
        assertTrue(out.contains("initial sync: STREAMING"), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("shard a replica") && l.endsWith("holds: [apple, apricot:stock]")), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("shard b replica") && l.endsWith("holds: [banana, basket]")), out);
        assertTrue(out.contains("SET apple blue     -> shard a: GET apple = blue"), out);
        assertTrue(out.contains("SET blueberry blue -> shard b: GET blueberry = blue"), out);
        assertTrue(out.contains("SET carrot orange  -> claimed by no shard: a has 0, b has 0"), out);
    }

    @Test
    void shouldDescribeRunInItsHelp() {
        final Cli cli = Cli.run("run", "--help");
        assertEquals(0, cli.exit());
        assertTrue(cli.out().contains("--cross-shard=POLICY") && cli.out().contains("TRANSLATE, LOG, STOP"), cli.out());
    }
}
