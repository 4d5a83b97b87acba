package io.redisreplica.router.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.redisreplica.router.config.ConfigParser;

class ShardFingerprintTest {
    private static Map<String, String> of(String config) {
        return ShardFingerprint.of(ConfigParser.parse(config, "test"));
    }

    private static final String BASE = "shard a 127.0.0.1:7001 regex=^a.*\nshard b 127.0.0.1:7002 regex=^b.*\n";

    @Test
    void shouldDescribeEachShardsRuleAndTheRulesBeforeIt() {
        assertEquals(Map.of("a", "keys=\"regex=^a.*\"", "b", "keys=\"regex=^b.*\" after=\"regex=^a.*\""), of(BASE));
    }

    @Test
    void shouldStayTheSameForWhatDecidesNoKeys() {
        assertEquals(of(BASE), of("upstream 10.0.0.1:6380\njournal /tmp/elsewhere\nadmin 127.0.0.1:7100\n"
            + "shard a 127.0.0.1:8001 regex=^a.*\nshard b 10.0.0.2:8002 regex=^b.*\nshard-password a s3cret\n"
            + "sink audit xadd 10.0.0.9:6379 events\njournal-max-bytes 1gb\n"));
    }

    @Test
    void shouldChangeOnlyTheShardsWhoseKeysCanChange() {
        final Map<String, String> before = of(BASE + "shard c 127.0.0.1:7003 regex=^c.*\n");
        final Map<String, String> after = of("shard a 127.0.0.1:7001 regex=^a.*\nshard b 127.0.0.1:7002 regex=^(b|x).*\n"
            + "shard c 127.0.0.1:7003 regex=^c.*\n");
        assertEquals(before.get("a"), after.get("a"), "a comes first: b's rule cannot take its keys");
        assertNotEquals(before.get("b"), after.get("b"));
        assertNotEquals(before.get("c"), after.get("c"), "a key both b and c match now goes to b");
    }

    @Test
    void shouldNotTieSlotOrPrefixShardsToEachOtherSinceTheyCannotOverlap() {
        final Map<String, String> slots = of("shard a 127.0.0.1:7001 slots=0-8000\nshard b 127.0.0.1:7002 slots=8001-16383\n");
        assertEquals("keys=\"slots=8001-16383\"", slots.get("b"));
        assertEquals(of("shard a 127.0.0.1:7001 slots=0-99,100-8000\nshard b 127.0.0.1:7002 slots=16383,8001-16382\n"), slots,
            "slot ranges compare as sets");
        assertEquals("keys=\"slots=0-5,7,9-10\"", of("shard a 127.0.0.1:7001 slots=9-10,0-5,7\nunclaimed a\n").get("a")
            .replace(" unclaimed=\"yes\"", ""));
        final Map<String, String> prefixes = of("shard a 127.0.0.1:7001 prefix=a:\nshard b 127.0.0.1:7002 prefix=b:\n"
            + "shard c 127.0.0.1:7003 regex=x\n");
        assertEquals("keys=\"prefix=b:\"", prefixes.get("b"));
        assertEquals("keys=\"regex=x\" after=\"prefix=a:\" after=\"prefix=b:\"", prefixes.get("c"));
    }

    @Test
    void shouldTieTheUnclaimedShardToEveryOtherRule() {
        final Map<String, String> map = of("shard z 127.0.0.1:7000 prefix=z\nshard rest 127.0.0.1:7001 prefix=r\n"
            + "shard c 127.0.0.1:7003 prefix=c\nshard b 127.0.0.1:7002 prefix=b\nunclaimed rest\n");
        assertEquals("keys=\"prefix=r\" unclaimed=\"yes\" after=\"prefix=z\" unclaimed-by=\"prefix=b\" unclaimed-by=\"prefix=c\"",
            map.get("rest"));
        assertEquals("keys=\"prefix=b\"", map.get("b"), "prefixes cannot overlap, the unclaimed shard's included");
        assertEquals(map.get("rest"), of("shard z 127.0.0.1:7000 prefix=z\nshard rest 127.0.0.1:7001 prefix=r\n"
            + "shard b 127.0.0.1:7002 prefix=b\nshard c 127.0.0.1:7003 prefix=c\nunclaimed rest\n").get("rest"), "a union: order is not");
    }

    @Test
    void shouldCoverDropRewriteAndValueRulesWithoutTransformSecrets() {
        final Map<String, String> map = of(BASE + "drop key=^tmp:\ndrop key=^session:\nrewrite a strip-prefix=a\nrewrite a add-prefix=x\"y\n"
            + "drop type=stream,hash\ndrop value=^\\{\"draft\ndrop larger-than=1kb\ntransform class=com.example.Mask jar=/opt/m.jar salt=s3cret\n");
        final String a = map.get("a");
        assertEquals("keys=\"regex=^a.*\" drop-key=\"regex=^session:\" drop-key=\"regex=^tmp:\" rewrite=\"strip-prefix=a\" "
            + "rewrite=\"add-prefix=x\\\"y\" drop-type=\"hash\" drop-type=\"stream\" drop-value=\"regex=^\\\\{\\\"draft\" "
            + "drop-larger-than=\"1024\" transform=\"class=com.example.Mask jar=/opt/m.jar salt=sha256:", a.substring(0, a.length() - 13));
        assertFalse(a.contains("s3cret"));
        assertFalse(map.get("b").contains("rewrite"), "rewrites are per shard");
        assertTrue(map.get("b").contains("drop-type=\"hash\""), "value rules apply to every shard");
        assertNotEquals(a, of(BASE + "drop key=^tmp:\ndrop key=^session:\nrewrite a strip-prefix=a\nrewrite a add-prefix=x\"y\n"
            + "drop type=stream,hash\ndrop value=^\\{\"draft\ndrop larger-than=1kb\ntransform class=com.example.Mask jar=/opt/m.jar "
            + "salt=other\n").get("a"), "a transform option's value counts");
    }

    @Test
    void shouldReadItsComponentsBackWithEscapes() {
        final String line = of(BASE + "rewrite a regex=^a\"\\\\(.*)$ replace=$1\n").get("a");
        assertEquals(Map.of("keys", List.of("regex=^a.*"), "rewrite", List.of("regex=^a\"\\\\(.*)$ replace=$1")),
            ShardFingerprint.components(line));
        assertEquals(Map.of("?", List.of("garbled")), ShardFingerprint.components("garbled"));
        assertEquals(Map.of("?", List.of("keys=\"open")), ShardFingerprint.components("keys=\"open"));
    }

    @Test
    void shouldNameWhatChangedPerShardWhenComparing() {
        final Map<String, String> recorded = of(BASE + "shard gone 127.0.0.1:7009 regex=^g\n");
        final ShardMapChange change = ShardMapChange.compare(recorded,
            of("shard a 127.0.0.1:7001 regex=^(a|c).*\nshard b 127.0.0.1:7002 regex=^b.*\nshard d 127.0.0.1:7004 regex=^d\n"));
        assertFalse(change.isEmpty());
        assertEquals(List.of("a", "b"), List.copyOf(change.changed()));
        assertEquals(List.of("d"), change.added());
        assertEquals(List.of("gone"), change.removed());
        assertTrue(change.needsSnapshot("a") && change.needsSnapshot("d"));
        assertEquals("\n  changed: shard a (its rule: regex=^a.* -> regex=^(a|c).*)"
            + "\n  changed: shard b (the rules of the shards before it: regex=^a.* -> regex=^(a|c).*)"
            + "\n  added: shard d (no snapshot yet)"
            + "\n  removed: shard gone (its journal is kept unless --remove-old-shards is given)", change.details());
        assertEquals("the shard map differs from the one journal /j was built with; nothing was changed:" + change.details()
            + "\nTo rebuild, start with --accept-shard-map-change: the router takes a full sync of the master, every shard gets a new"
            + " snapshot (so each shard's replicas get a full resync) and added and changed shards hold their new keys; the"
            + " journals of removed shards are kept unless --remove-old-shards is given too. Or start with the config the"
            + " journal was built with.", change.refusal(java.nio.file.Path.of("/j")));
    }

    @Test
    void shouldSayThatRemovingAShardNeedsNoRebuild() {
        final ShardMapChange change = ShardMapChange.compare(of(BASE + "shard gone 127.0.0.1:7009 prefix=g\n"), of(BASE));
        assertTrue(change.onlyRemovals());
        assertEquals("the shard map differs from the one journal /j was built with; nothing was changed:"
            + "\n  removed: shard gone (its journal is kept unless --remove-old-shards is given)"
            + "\nNo shard needs a new snapshot: start with --remove-old-shards to delete the removed shards' journals, or with"
            + " --accept-shard-map-change to keep them (left alone). Or start with the config the journal was built with.",
            change.refusal(java.nio.file.Path.of("/j")));
    }

    @Test
    void shouldSeeNoChangeForTheSameMapOrWhenNoneWasRecorded() {
        assertTrue(ShardMapChange.compare(of(BASE), of(BASE)).isEmpty());
        assertTrue(ShardMapChange.compare(null, of(BASE)).isEmpty());
        assertEquals(List.of("a", "b"), ShardMapChange.compare(Map.of(), of(BASE)).added());
    }
}
