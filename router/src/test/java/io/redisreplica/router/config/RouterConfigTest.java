package io.redisreplica.router.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.redisreplica.router.routing.ShardMap;

class RouterConfigTest {
    private static int shardOf(ShardMap map, String key) {
        final byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return map.shardOf(b, 0, b.length);
    }

    @Test
    void shouldRouteByRegexLikeTheOriginalProxy() {
        final ShardMap map = ConfigParser.parse("""
            # the original README scenario
            upstream 127.0.0.1:6379
            shard a 127.0.0.1:7001 regex=^a.*
            shard b 127.0.0.1:7002 regex=^b.*
            """, "test.conf").shardMap();
        assertEquals(0, shardOf(map, "apple"));
        assertEquals(1, shardOf(map, "banana"));
        assertEquals(-1, shardOf(map, "cucumber"), "unclaimed keys are dropped by default");
    }

    @Test
    void shouldRouteByPrefixAndSendUnclaimedToDefault() {
        final ShardMap map = ConfigParser.parse("""
            shard users 127.0.0.1:7001 prefix=user:
            shard rest 127.0.0.1:7002 prefix=session:
            unclaimed rest
            """, "t").shardMap();
        assertEquals(0, shardOf(map, "user:1"));
        assertEquals(1, shardOf(map, "session:9"));
        assertEquals(1, shardOf(map, "other"));
    }

    @Test
    void shouldRouteBySlotsWithHashTags() {
        final RouterConfig config = ConfigParser.parse("""
            upstream 10.0.0.1:6380
            admin 127.0.0.1:7100
            journal /tmp/j
            shard s0 127.0.0.1:7001 slots=0-5460
            shard s1 127.0.0.1:7002 slots=5461-10922
            shard s2 127.0.0.1:7003 slots=10923-16383
            """, "t");
        assertEquals("10.0.0.1", config.upstreamHost());
        assertEquals(6380, config.upstreamPort());
        assertEquals(7100, config.adminPort());
        final ShardMap map = config.shardMap();
        assertEquals(2, shardOf(map, "foo")); // slot 12182
        assertEquals(shardOf(map, "{user1}.a"), shardOf(map, "{user1}.b"));
    }

    @Test
    void shouldReadJournalAndRetentionSettings() {
        final RouterConfig config = ConfigParser.parse("""
            journal /data/j
            journal-roll ten_minutely
            journal-sync commit
            journal-max-bytes 10gb
            journal-max-age 36h
            retention-interval 30s
            shard a 127.0.0.1:7001 prefix=a
            """, "t");
        assertEquals(10L << 30, config.journalContext().maxBytesPerShard());
        assertEquals(java.time.Duration.ofHours(36), config.journalContext().maxAge());
        assertEquals(io.redisreplica.journal.JournalContext.Roll.TEN_MINUTELY, config.journalContext().rollCycle());
        assertEquals(io.redisreplica.journal.JournalContext.Sync.COMMIT, config.journalContext().sync());
        assertEquals(java.time.Duration.ofSeconds(30), config.retentionInterval());
        assertEquals(java.nio.file.Path.of("/data/j"), config.journalContext().dir());
    }

    @Test
    void shouldTakeCommandsAsLongAsTheMastersProtoMaxBulkLen() {
        final RouterConfig defaults = ConfigParser.parse("shard a 127.0.0.1:7001 prefix=x", "t");
        assertEquals(512L << 20, defaults.protoMaxBulkLen(), "Redis's default");
        assertEquals(1 << 30, defaults.maxCommandLength(), "twice: Redis's client-query-buffer-limit");
        final RouterConfig big = ConfigParser.parse("proto-max-bulk-len 1gb\nshard a 127.0.0.1:7001 prefix=x", "t");
        assertEquals(1L << 30, big.protoMaxBulkLen());
        assertEquals(Integer.MAX_VALUE - (16 << 20), big.maxCommandLength(), "below 2 GiB: one Java array");
    }

    @Test
    void shouldRejectInvalidMapsWithFileLineAndReason() {
        assertError("t:1: shard a: bad regex '^(a' : Unclosed group near index 3".replace(" :", ":"),
            "shard a 127.0.0.1:7001 regex=^(a");
        assertError("t:2: shard b claims slot 100, already claimed by shard a",
            "shard a 127.0.0.1:7001 slots=0-200\nshard b 127.0.0.1:7002 slots=100-16383");
        assertError("t: slots 5461-16383 are claimed by no shard (assign them, or set 'unclaimed SHARD' to send them somewhere)",
            "shard a 127.0.0.1:7001 slots=0-5460");
        assertError("t:2: shard b (prefix=user:1) overlaps shard a (prefix=user:)",
            "shard a 127.0.0.1:7001 prefix=user:\nshard b 127.0.0.1:7002 prefix=user:1");
        assertError("t:1: shard name 'sinks' is reserved (the journal keeps its sinks there)", "shard sinks 127.0.0.1:7001 prefix=x");
        assertError("t:2: shard a is already defined on line 1", "shard a 127.0.0.1:7001 prefix=x\nshard a 127.0.0.1:7002 prefix=y");
        assertError("t:2: shard b listens on 127.0.0.1:7001 like shard a",
            "shard a 127.0.0.1:7001 prefix=x\nshard b 127.0.0.1:7001 prefix=y");
        assertError("t:1: shard a: bad slot range '9-3' (expected N or N-M with 0 <= N <= M <= 16383)",
            "shard a 127.0.0.1:7001 slots=9-3");
        assertError("t:2: unclaimed names shard 'zz', which is not defined", "shard a 127.0.0.1:7001 prefix=x\nunclaimed zz");
        assertError("t:1: unknown directive 'shards' (expected upstream, upstream-user, upstream-password, journal, journal-roll, journal-sync, "
            + "journal-max-bytes, journal-max-age, journal-min-free, retention-interval, replica-stall-timeout, replica-max-failures, "
            + "replica-failure-window, replica-drop-time, proto-max-bulk-len, maxclients, handshake-timeout, admin, admin-http, shard, shard-password, shard-user, rewrite, drop, transform, sink, "
            + "sink-max-failures, unclaimed)", "shards a");
        assertError("t:1: proto-max-bulk-len must be 1kb..1gb, was 2147483648", "proto-max-bulk-len 2gb");
        assertError("t:1: bad size '1x' (expected a number with b, kb, mb, gb or tb)", "proto-max-bulk-len 1x");
        assertError("t:2: sink s: 'kafka' is not xadd, publish, command or class=CLASS", "shard a 127.0.0.1:7001 prefix=x\nsink s kafka");
        assertError("t:2: sink s: xadd takes one stream after HOST:PORT, got [one, two]",
            "shard a 127.0.0.1:7001 prefix=x\nsink s xadd 127.0.0.1:6379 one two");
        assertError("t:2: sink s names shard 'zz', which is not defined",
            "shard a 127.0.0.1:7001 prefix=x\nsink s publish 127.0.0.1:6379 ch shards=a,zz");
        assertError("t:3: sink s is defined twice",
            "shard a 127.0.0.1:7001 prefix=x\nsink s publish 127.0.0.1:6379 ch\nsink s publish 127.0.0.1:6379 ch");
        assertError("t:2: sink s: batch '0' is not a positive whole number",
            "shard a 127.0.0.1:7001 prefix=x\nsink s publish 127.0.0.1:6379 ch batch=0");
        assertError("t:2: sink s: expected key=value, got 'stray'", "shard a 127.0.0.1:7001 prefix=x\nsink s class=x.Y stray");
        assertError("t:2: rewrite names shard 'zz', which is not defined", "shard a 127.0.0.1:7001 prefix=x\nrewrite zz add-prefix=n:");
        assertError("t:2: rewrite a: bad regex '(x': Unclosed group near index 2",
            "shard a 127.0.0.1:7001 prefix=x\nrewrite a regex=(x replace=y");
        assertError("t:2: rewrite a: replace=$1 refers to group $1, but regex ^x has 0",
            "shard a 127.0.0.1:7001 prefix=x\nrewrite a regex=^x replace=$1");
        assertError("t:2: expected drop key=REGEX, value=REGEX, larger-than=SIZE or type=T[,T], got 'drop size=1'",
            "shard a 127.0.0.1:7001 prefix=x\ndrop size=1");
        assertError("t:2: drop type=hashes: not one of " + ConfigParser.DATA_TYPES, "shard a 127.0.0.1:7001 prefix=x\ndrop type=hashes");
        assertError("t:2: drop: bad regex '(': Unclosed group near index 1", "shard a 127.0.0.1:7001 prefix=x\ndrop value=(");
        assertError("t:2: transform needs class=CLASS (and jar=PATH unless the class is on the class path)",
            "shard a 127.0.0.1:7001 prefix=x\ntransform jar=/x.jar");
        assertError("t:1: bad size '10 gigs' (expected a number with b, kb, mb, gb or tb)".replace("10 gigs", "10gigs"), "journal-max-bytes 10gigs");
        assertError("t:1: bad duration '0s' (expected a positive number with ms, s, m, h or d)", "journal-max-age 0s");
        assertError("t:1: journal-roll 'weekly' is not one of secondly, five_minutely, ten_minutely, half_hourly, hourly, daily",
            "journal-roll weekly");
        assertError("t: shard-password names shard 'zz', which is not defined", "shard a 127.0.0.1:7001 prefix=x\nshard-password zz s3cret");
        assertError("t: no shard defined (add: shard NAME HOST:PORT regex=...)", "upstream 127.0.0.1:6379");
        assertError("t:1: bad address 'localhost' (expected HOST:PORT)", "upstream localhost");
    }

    @Test
    void shouldGiveEachShardItsRewriteRulesInOrderAndDropKeysBeforeAnyShardClaimsThem() {
        final RouterConfig config = ConfigParser.parse("shard a 127.0.0.1:7001 prefix=a:\nshard b 127.0.0.1:7002 prefix=b:\n"
            + "rewrite a strip-prefix=a:\nrewrite a regex=^(\\d+)$ replace=n$1\ndrop key=:tmp$\nunclaimed b\n", "t");
        assertEquals("strip-prefix=a:, regex=^(\\d+)$ replace=n$1", config.describeRewrites("a"));
        assertEquals(null, config.describeRewrites("b"));
        final io.redisreplica.rdb.KeyRewriter[] rewriters = config.keyRewriters();
        assertEquals(null, rewriters[1]);
        final byte[] key = "a:42".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final int length = rewriters[0].rewrite(key, 0, key.length);
        assertEquals("n42", new String(rewriters[0].bytes(), 0, length, java.nio.charset.StandardCharsets.US_ASCII));
        final byte[] tmp = "a:x:tmp".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(-1, config.shardMap().shardOf(tmp, 0, tmp.length), "dropped, not sent to the default shard");
    }

    private static void assertError(String message, String config) {
        final ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(config, "t"));
        assertEquals(message, e.getMessage());
    }
}
