package io.redisreplica.router.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.redisreplica.api.KeyEvent;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.routing.ValueRules;

/** Every directive of {@link ConfigParser}'s table read into {@link RouterConfig}, and every mistake refused with file, line and reason. */
class ConfigParserTest {
    private static final String SHARD = "shard a 127.0.0.1:7001 prefix=x\n";
    private static final String SINK_USAGE = "sink NAME xadd|publish|command HOST:PORT ... | sink NAME kafka bootstrap=HOST:PORT topic=T ..."
        + " | sink NAME class=CLASS jar=PATH";

    private static RouterConfig parse(String text) {
        return ConfigParser.parse(text, "t");
    }

    private static int shardOf(RouterConfig config, String key) {
        final byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return config.shardMap().shardOf(b, 0, b.length);
    }

    @Test
    void shouldUseDefaultsForEveryLineTheFileLeavesOut() {
        final RouterConfig c = parse(SHARD);
        assertEquals("127.0.0.1", c.upstreamHost());
        assertEquals(6379, c.upstreamPort());
        assertNull(c.upstreamUser());
        assertNull(c.upstreamPassword());
        assertEquals(Path.of("journal"), c.journalDir());
        final JournalContext journal = c.journalContext();
        final JournalContext defaults = new JournalContext();
        assertEquals(Path.of("journal"), journal.dir());
        assertEquals(defaults.rollCycle(), journal.rollCycle());
        assertEquals(defaults.sync(), journal.sync());
        assertEquals(defaults.maxBytesPerShard(), journal.maxBytesPerShard());
        assertEquals(defaults.maxAge(), journal.maxAge());
        assertEquals(defaults.minFreeBytes(), journal.minFreeBytes());
        assertEquals(Duration.ofMinutes(1), c.retentionInterval());
        assertEquals(Duration.ofSeconds(30), c.replicaStallTimeout());
        assertEquals(5, c.replicaMaxFailures());
        assertEquals(Duration.ofMinutes(1), c.replicaFailureWindow());
        assertEquals(Duration.ofMinutes(5), c.replicaDropTime());
        assertEquals(512L << 20, c.protoMaxBulkLen());
        assertEquals(128, c.maxClients());
        assertEquals(Duration.ofSeconds(10), c.handshakeTimeout());
        assertEquals(-1, c.adminPort());
        assertEquals(List.of(), c.sinks());
        assertEquals(20, c.sinkMaxFailures());
        assertNull(c.keyRewriters());
        assertFalse(c.hasValueRules());
        assertNull(Plugins.openValueRules(c), "no value rules: nothing to apply");
        assertEquals(-1, shardOf(c, "other"), "unclaimed keys are dropped");
    }

    @Test
    void shouldReadTheUpstreamLines() {
        final RouterConfig c = parse("upstream 10.0.0.1:6380\nupstream-user replicator\nupstream-password \"s3 cret\"\n" + SHARD);
        assertEquals("10.0.0.1", c.upstreamHost());
        assertEquals(6380, c.upstreamPort());
        assertEquals("replicator", c.upstreamUser());
        assertEquals("s3 cret", c.upstreamPassword());
        assertEquals("::1", parse("upstream ::1:6379\n" + SHARD).upstreamHost(), "the port follows the last colon");
    }

    @Test
    void shouldReadTheSentinelLines() {
        final RouterConfig c = parse("upstream-sentinel mymaster 10.0.0.1:26379,10.0.0.2:26380\nupstream-sentinel-user watcher\n"
            + "upstream-sentinel-password \"s3 cret\"\n" + SHARD);
        final UpstreamSentinels s = c.sentinels();
        assertEquals("mymaster", s.masterName());
        assertEquals(List.of(new HostPort("10.0.0.1", 26379), new HostPort("10.0.0.2", 26380)), s.sentinels());
        assertEquals("watcher", s.user());
        assertEquals("s3 cret", s.password());
        assertFalse(s.toString().contains("s3 cret"), "the password stays out of logs");
        assertFalse(s.tls(), "sentinels are asked over plain TCP by default");
        assertNull(c.tls(), "no TLS settings when no end speaks TLS");
        assertNull(parse(SHARD).sentinels(), "a fixed upstream by default");
    }

    @Test
    void shouldAskTheSentinelsOverTlsWithTheConfigsTlsFilesWhenUpstreamSentinelTlsIsYes() {
        final RouterConfig c = parse("upstream-sentinel m 10.0.0.1:26379\nupstream-sentinel-tls yes\ntls-ca-cert-file /etc/ca.crt\n"
            + "tls-client-cert-file /etc/c.crt\ntls-client-key-file /etc/c.key\ntls-verify-hostname yes\n" + SHARD);
        assertTrue(c.sentinels().tls());
        assertFalse(c.upstreamTls(), "the master's own TLS is upstream-tls, apart");
        assertEquals(Path.of("/etc/ca.crt"), c.tls().caCert());
        assertEquals(Path.of("/etc/c.crt"), c.tls().clientCert());
        assertTrue(c.tls().verifyHostname());
        assertEquals("m [10.0.0.1:26379] (TLS)", c.sentinels().toString());
        assertFalse(parse("upstream-sentinel m 10.0.0.1:26379\nupstream-sentinel-tls no\n" + SHARD).sentinels().tls());
        assertNull(parse("upstream-sentinel m 10.0.0.1:26379\nupstream-sentinel-tls no\n" + SHARD).tls());
    }

    @Test
    void shouldFollowADemotedUpstreamByDefault() {
        assertEquals(UpstreamDemoted.FOLLOW, parse(SHARD).upstreamDemoted());
        assertEquals(UpstreamDemoted.STOP, parse("upstream-demoted stop\n" + SHARD).upstreamDemoted());
        assertEquals(UpstreamDemoted.STAY, parse("upstream-demoted stay\n" + SHARD).upstreamDemoted());
    }

    @Test
    void shouldReadTheJournalLines() {
        final RouterConfig c = parse("journal /data/j\njournal-roll DAILY\njournal-sync commit\njournal-max-bytes 2tb\n"
            + "journal-max-age 90m\njournal-min-free 1gb\n" + SHARD);
        assertEquals(Path.of("/data/j"), c.journalDir());
        final JournalContext journal = c.journalContext();
        assertEquals(Path.of("/data/j"), journal.dir());
        assertEquals(JournalContext.Roll.DAILY, journal.rollCycle(), "any case");
        assertEquals(JournalContext.Sync.COMMIT, journal.sync());
        assertEquals(2L << 40, journal.maxBytesPerShard());
        assertEquals(Duration.ofMinutes(90), journal.maxAge());
        assertEquals(1L << 30, journal.minFreeBytes());
        for (JournalContext.Roll roll : JournalContext.Roll.values()) {
            assertEquals(roll, parse("journal-roll " + roll.name().toLowerCase() + "\n" + SHARD).journalContext().rollCycle());
        }
        assertEquals(JournalContext.Sync.NONE, parse("journal-sync none\n" + SHARD).journalContext().sync());
    }

    @Test
    void shouldReadTheReplicaAndPortLimits() {
        final RouterConfig c = parse("retention-interval 15s\nreplica-stall-timeout 2m\nreplica-max-failures 9\n"
            + "replica-failure-window 3h\nreplica-drop-time 1d\nproto-max-bulk-len 1kb\nmaxclients 4\nhandshake-timeout 250ms\n"
            + "admin 0.0.0.0:7100\n" + SHARD);
        assertEquals(Duration.ofSeconds(15), c.retentionInterval());
        assertEquals(Duration.ofMinutes(2), c.replicaStallTimeout());
        assertEquals(9, c.replicaMaxFailures());
        assertEquals(Duration.ofHours(3), c.replicaFailureWindow());
        assertEquals(Duration.ofDays(1), c.replicaDropTime());
        assertEquals(1024, c.protoMaxBulkLen());
        assertEquals(2048, c.maxCommandLength());
        assertEquals(4, c.maxClients());
        assertEquals(Duration.ofMillis(250), c.handshakeTimeout());
        assertEquals("0.0.0.0", c.adminHost());
        assertEquals(7100, c.adminPort());
        final ClientLimits limits = ClientLimits.of(c);
        assertEquals(4, limits.maxClients());
        assertEquals(250, limits.handshakeTimeoutMillis());
    }

    @Test
    void shouldReadShardLinesWithTheirPasswordsUsersAndTheUnclaimedShard() {
        final RouterConfig c = parse("shard a 127.0.0.1:7001 regex=^a.*  # a comment\n"
            + "shard users\t10.0.0.2:7001  prefix=user:\nshard s.2 localhost:7003 slots=0-99,200\n"
            + "shard-password a 'it\\'s'\nshard-user a replicator\nshard-password users pw\nunclaimed users\n");
        final List<ShardMap.Shard> shards = c.shardMap().shards();
        assertEquals(List.of("a", "users", "s.2"), shards.stream().map(ShardMap.Shard::name).toList());
        assertEquals(List.of("127.0.0.1:7001", "10.0.0.2:7001", "localhost:7003"),
            shards.stream().map(s -> s.host() + ":" + s.port()).toList());
        assertEquals(List.of("regex=^a.*", "prefix=user:", "slots=0-99,200"), shards.stream().map(s -> s.matcher().describe()).toList());
        assertEquals(1, shardOf(c, "other"), "unclaimed keys go to shard users");
        assertEquals("it's", c.shardPassword("a"));
        assertEquals("t:2: shard b listens on 127.0.0.2:7001 like shard a", assertThrows(ConfigException.class,
            () -> parse(SHARD + "shard b 127.0.0.2:7001 prefix=y")).getMessage(), "every 127.* address is one loopback");
        assertEquals("replicator", c.shardUser("a"));
        assertEquals("pw", c.shardPassword("users"));
        assertNull(c.shardUser("users"), "the user default");
        assertNull(c.shardPassword("s.2"));
        assertEquals(-1, shardOf(parse(SHARD + "unclaimed drop"), "other"));
    }

    @Test
    void shouldReadRewriteLinesInOrderPerShard() {
        final RouterConfig c = parse(SHARD + "shard b 127.0.0.1:7002 prefix=y\nrewrite a strip-prefix=x\nrewrite b add-prefix=n:\n"
            + "rewrite a regex=^(.*)$ replace=k:$1\n");
        assertEquals("strip-prefix=x, regex=^(.*)$ replace=k:$1", c.describeRewrites("a"));
        assertEquals("add-prefix=n:", c.describeRewrites("b"));
        assertEquals(2, c.rewriteSteps("a").size());
        assertEquals(List.of(), parse(SHARD).rewriteSteps("a"));
        assertNotSame(c.keyRewriters()[0], c.keyRewriters()[0], "a rewriter serves one thread: new ones on each call");
    }

    @Test
    void shouldReadDropAndTransformLinesAndOpenTransformsOnlyWhenAsked() {
        final RouterConfig c = parse(SHARD + "drop key=^tmp:\ndrop type=stream,hash\ndrop type=list\ndrop value=^draft\n"
            + "drop larger-than=1mb\ntransform class=io.redisreplica.router.routing.UpperCaseTransform salt=x mode=a=b\n");
        assertTrue(c.hasValueRules());
        assertEquals(List.of("hash", "list", "stream"), new ArrayList<>(c.droppedTypes()), "sorted");
        assertEquals(List.of("regex=^draft"), c.droppedValues().stream().map(m -> m.describe()).toList());
        assertEquals(1L << 20, c.largerThan());
        assertEquals(List.of(Map.of("class", "io.redisreplica.router.routing.UpperCaseTransform", "salt", "x", "mode", "a=b")),
            c.transforms());
        final byte[] tmp = "tmp:1".getBytes(StandardCharsets.UTF_8);
        assertEquals(-1, c.shardMap().shardOf(tmp, 0, tmp.length), "a dropped key goes to no shard");
        final ValueRules rules = Plugins.openValueRules(c);
        assertTrue(rules.drops("stream"));
        assertFalse(rules.drops("string"));
        assertArrayEquals("HI".getBytes(StandardCharsets.UTF_8), rules.value(0, "k".getBytes(StandardCharsets.UTF_8),
            "hi".getBytes(StandardCharsets.UTF_8)), "the transform is loaded and applied");
        assertNull(rules.value(0, "k".getBytes(StandardCharsets.UTF_8), "draft 2".getBytes(StandardCharsets.UTF_8)),
            "drop value= keeps the key off");
        assertNotSame(rules, Plugins.openValueRules(c), "a new set per call: a transform serves one thread");
    }

    @Test
    void shouldSayWhichTransformItCannotFind() {
        final RouterConfig c = parse(SHARD + "transform class=com.example.Nope");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Plugins.openValueRules(c));
        assertTrue(e.getMessage().startsWith("transform com.example.Nope: no ValueTransform com.example.Nope in the class path "
            + "(META-INF/services/io.redisreplica.api.ValueTransform lists ["), e.getMessage());
    }

    @Test
    void shouldReadEveryKindOfSinkLine() {
        final RouterConfig c = parse(SHARD + "shard b 127.0.0.1:7002 prefix=y\n"
            + "sink audit xadd 10.0.0.9:6379 key-events maxlen=1000 user=u password=p\n"
            + "sink bus publish 10.0.0.9:6380 keys values=yes shards=a batch=7\n"
            + "sink seen command 10.0.0.9:6381 SADD touched:{db} {key}\n"
            + "sink mine class=com.example.MySink jar=/opt/my.jar shards=a,b url=https://x\n"
            + "sink bus2 kafka bootstrap=k1:9092,k2:9092 topic=ev key=shard compression=zstd kafka.security.protocol=SASL_SSL batch=50\n"
            + "sink-max-failures 3\n");
        assertEquals(3, c.sinkMaxFailures());
        final List<SinkConfig> sinks = c.sinks();
        assertEquals(new SinkConfig("audit", SinkConfig.Kind.XADD, "10.0.0.9", 6379, List.of("key-events"),
            Map.of("maxlen", "1000", "user", "u", "password", "p"), Set.of(), false, 100), sinks.get(0));
        assertEquals(new SinkConfig("bus", SinkConfig.Kind.PUBLISH, "10.0.0.9", 6380, List.of("keys"),
            Map.of("values", "yes", "shards", "a", "batch", "7"), Set.of("a"), true, 7), sinks.get(1));
        assertEquals(new SinkConfig("seen", SinkConfig.Kind.COMMAND, "10.0.0.9", 6381, List.of("SADD", "touched:{db}", "{key}"),
            Map.of(), Set.of(), false, 100), sinks.get(2));
        assertEquals(new SinkConfig("mine", SinkConfig.Kind.CLASS, null, 0, List.of(),
            Map.of("class", "com.example.MySink", "jar", "/opt/my.jar", "shards", "a,b", "url", "https://x"), Set.of("a", "b"), false, 100),
            sinks.get(3));
        assertEquals(new SinkConfig("bus2", SinkConfig.Kind.KAFKA, null, 0, List.of(), Map.of("bootstrap", "k1:9092,k2:9092", "topic", "ev",
            "key", "shard", "compression", "zstd", "kafka.security.protocol", "SASL_SSL", "batch", "50"), Set.of(), false, 50), sinks.get(4));
        assertTrue(sinks.get(1).takes("a"));
        assertFalse(sinks.get(1).takes("b"));
        assertTrue(sinks.get(0).takes("b"), "no shards=: every shard");
    }

    @Test
    void shouldTakeAQuotedSinkWordWithSpacesAndQuotesWhole() {
        final RouterConfig c = parse(SHARD + "sink feed kafka bootstrap=k:9093 topic=ev "
            + "'kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p w\";'"
            + " \"kafka.client.id=a b\"\n");
        assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p w\";",
            c.sinks().get(0).options().get("kafka.sasl.jaas.config"));
        assertEquals("a b", c.sinks().get(0).options().get("kafka.client.id"));
    }

    @Test
    void shouldReadTheKindsASinkAsksForAndNoneByDefault() {
        final RouterConfig c = parse(SHARD + "sink life xadd 10.0.0.9:6379 ev kinds=add,change,del,expire,rename,flush\n"
            + "sink plain xadd 10.0.0.9:6379 ev2\nsink k kafka bootstrap=k1:9092 topic=t kinds=add,load\n");
        assertEquals(Set.of(KeyEvent.Kind.ADD, KeyEvent.Kind.CHANGE, KeyEvent.Kind.DEL, KeyEvent.Kind.EXPIRE, KeyEvent.Kind.RENAME_FROM,
            KeyEvent.Kind.RENAME_TO, KeyEvent.Kind.FLUSH), c.sinks().get(0).kinds());
        assertEquals(Set.of(), c.sinks().get(1).kinds(), "today's events: no kinds, no index");
        assertEquals(Set.of(KeyEvent.Kind.ADD, KeyEvent.Kind.LOAD), c.sinks().get(2).kinds());
    }

    @Test
    void shouldHandOutValuesThatCannotBeChanged() {
        final RouterConfig c = parse(SHARD + "drop type=list\ndrop value=v\ntransform class=x.Y\nsink s publish 127.0.0.1:6379 ch\n");
        assertThrows(UnsupportedOperationException.class, () -> c.sinks().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.droppedTypes().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.droppedValues().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.transforms().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.transforms().get(0).clear());
        c.journalContext().maxBytesPerShard(1);
        assertEquals(JournalContext.DEFAULT_MAX_BYTES_PER_SHARD, c.journalContext().maxBytesPerShard(), "a new journal context each call");
    }

    @Test
    void shouldNameEveryDirectiveOfTheTableWhenALineStartsWithNone() {
        final ConfigException e = assertThrows(ConfigException.class, () -> parse(SHARD + "upstrem 127.0.0.1:6379"));
        assertEquals("t:2: unknown directive 'upstrem' (expected " + String.join(", ", ConfigParser.DIRECTIVES.keySet()) + ")",
            e.getMessage());
        assertEquals(47, ConfigParser.DIRECTIVES.size());
        assertThrows(ConfigException.class, () -> parse(SHARD + "UPSTREAM 127.0.0.1:6379"), "names are lower case, as written");
    }

    @Test
    void shouldRefuseAdminHttpOnTheAdminPortOrAShardPort() {
        final ConfigException onAdmin = assertThrows(ConfigException.class,
            () -> parse(SHARD + "admin 127.0.0.1:7100\nadmin-http localhost:7100"));
        assertEquals("t:3: admin-http localhost:7100 is the admin port (line 2): the HTTP endpoints need a port of their own",
            onAdmin.getMessage());
        final ConfigException onShard = assertThrows(ConfigException.class, () -> parse(SHARD + "admin-http 0.0.0.0:"
            + parse(SHARD).shardMap().shards().get(0).port()));
        assertTrue(onShard.getMessage().startsWith("t:2: admin-http 0.0.0.0:"), onShard.getMessage());
        assertEquals(7180, parse(SHARD + "admin-http 127.0.0.1:7180").adminHttpPort());
        assertEquals(-1, parse(SHARD).adminHttpPort());
    }

    /** The release's sample config names every directive (optional ones as '#directive'), and loads as it is. */
    @Test
    void shouldShowEveryDirectiveInTheSampleConfig() throws IOException {
        final String sample = Files.readString(Path.of("..", "dist", "src", "conf", "router.conf"));
        final Set<String> shown = new java.util.TreeSet<>();
        for (String line : sample.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("# ")) {
                shown.add(line.replaceFirst("^#", "").split("\\s+", 2)[0]);
            }
        }
        assertEquals(new java.util.TreeSet<>(ConfigParser.DIRECTIVES.keySet()), shown);
        final RouterConfig c = parse(sample);
        assertEquals(7180, c.adminHttpPort());
        // and with every optional line taken in, except the plugin that needs a jar, the TLS lines that need their
        // files, and the sentinels, which replace upstream and upstream-demoted (taken in apart below)
        final String all = sample.replaceAll("(?m)^#(?=[a-z])", "").replaceAll("(?m)^transform .*$", "")
            .replaceAll("(?m)^(tls-\\S+|upstream-tls|shard-tls|admin-tls) .*$", "");
        parse(all.replaceAll("(?m)^upstream-sentinel\\S* .*$", ""));
        parse(all.replaceAll("(?m)^(upstream|upstream-demoted) .*$", ""));
    }

    /** The README's configuration example shows each directive of the table, and no other. */
    @Test
    void shouldShowEveryDirectiveInTheReadme() throws IOException {
        final String readme = Files.readString(Path.of("..", "README.md"));
        final int section = readme.indexOf("## Configuration file");
        final int start = readme.indexOf("```\n", section) + 4;
        final String example = readme.substring(start, readme.indexOf("```", start));
        final Set<String> shown = new java.util.LinkedHashSet<>();
        for (String line : example.split("\n")) {
            shown.add(line.split("\\s+", 2)[0]);
        }
        assertEquals(ConfigParser.DIRECTIVES.keySet(), shown);
        // and it is a valid config as written, in either form: a fixed upstream, or the sentinels that name it
        parse(example.lines().filter(l -> !l.startsWith("upstream-sentinel")).collect(java.util.stream.Collectors.joining("\n")));
        parse(example.lines().filter(l -> !l.startsWith("upstream ") && !l.startsWith("upstream-demoted"))
            .collect(java.util.stream.Collectors.joining("\n")));
    }

    @Test
    void shouldTakeSizesAndDurationsInEveryUnit() {
        assertEquals(123, Units.bytes("123", ""));
        assertEquals(5, Units.bytes("5b", ""));
        assertEquals(512L << 10, Units.bytes("512KB", ""));
        assertEquals(64L << 20, Units.bytes("64mb", ""));
        assertEquals(10L << 30, Units.bytes("10gb", ""));
        assertEquals(3L << 40, Units.bytes("3tb", ""));
        assertEquals(0, Units.bytes("0", ""));
        assertEquals(Long.MAX_VALUE, Units.bytes(Long.toString(Long.MAX_VALUE), ""));
        assertEquals(Duration.ofMillis(500), Units.duration("500ms", ""));
        assertEquals(Duration.ofSeconds(45), Units.duration("45S", ""));
        assertEquals(Duration.ofMinutes(30), Units.duration("30m", ""));
        assertEquals(Duration.ofHours(12), Units.duration("12h", ""));
        assertEquals(Duration.ofDays(7), Units.duration("7d", ""));
        assertEquals("bad duration '7' (expected a positive number with ms, s, m, h or d)",
            assertThrows(ConfigException.class, () -> Units.duration("7", "")).getMessage(), "no prefix when none is given");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void shouldRefuseWithFileLineAndReason(String expected, String config) {
        assertEquals(expected, assertThrows(ConfigException.class, () -> parse(config)).getMessage());
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
            // words: quoting, arity, unknown names
            bad("t:2: unbalanced quotes: \" at column 18 is never closed", SHARD + "shard-password a \"my secret"),
            bad("t:2: unbalanced quotes: ' at column 18 is never closed", SHARD + "shard-password a 'ends\\"),
            bad("t:2: closing quote at column 21 must be followed by a space", SHARD + "shard-password a \"my\"secret"),
            bad("t:2: unknown escape \\q at column 20 (inside \"...\": \\\" \\\\ \\n \\r \\t)", SHARD + "shard-password a \"a\\qb\""),
            bad("t:2: missing argument: upstream HOST:PORT", SHARD + "upstream"),
            bad("t:2: missing argument: shard-user SHARD NAME [SECRET] (SECRET here or in shard-password)", SHARD + "shard-user a"),
            bad("t:2: upstream takes 1 argument, unexpected 'x' (expected: upstream HOST:PORT)", SHARD + "upstream h:1 x"),
            bad("t:2: shard-user takes 2 or 3 arguments, unexpected word 5 (expected: shard-user SHARD NAME [SECRET] (SECRET here or "
                + "in shard-password))", SHARD + "shard-user a b my secret"),
            bad("t:2: upstream-password takes 1 argument, unexpected word 3 (expected: upstream-password SECRET|password-file=PATH)",
                SHARD + "upstream-password my secret"),
            bad("t:2: shard-password takes 2 arguments, unexpected word 4 (expected: shard-password SHARD SECRET|password-file=PATH (quote a secret "
                + "with spaces: \"my secret\"))", SHARD + "shard-password a my secret"),
            bad("t:2: unknown directive 'x' (expected " + String.join(", ", ConfigParser.DIRECTIVES.keySet()) + ")", SHARD + "x y"),
            // addresses
            bad("t:1: bad address 'localhost' (expected HOST:PORT)", "upstream localhost\n" + SHARD),
            bad("t:1: bad address ':6379' (expected HOST:PORT)", "upstream :6379\n" + SHARD),
            bad("t:1: bad address 'h:0' (expected HOST:PORT)", "upstream h:0\n" + SHARD),
            bad("t:1: bad address 'h:65536' (expected HOST:PORT)", "admin h:65536\n" + SHARD),
            bad("t:1: bad address 'h:http' (expected HOST:PORT)", "admin h:http\n" + SHARD),
            // sentinels
            bad("t:1: bad address 'h' (expected HOST:PORT)", "upstream-sentinel m h:1,h\n" + SHARD),
            bad("t:1: missing argument: upstream-sentinel MASTER_NAME HOST:PORT[,HOST:PORT...]", "upstream-sentinel m\n" + SHARD),
            bad("t:2: upstream-sentinel and upstream (line 1) both name the master: keep one",
                "upstream h:1\nupstream-sentinel m h:2\n" + SHARD),
            bad("t:2: upstream-demoted applies to a fixed upstream; with upstream-sentinel (line 1) the sentinels name the master",
                "upstream-sentinel m h:2\nupstream-demoted stop\n" + SHARD),
            bad("t: upstream-sentinel-user/-password without upstream-sentinel", "upstream-sentinel-password x\n" + SHARD),
            bad("t:2: upstream-sentinel-tls 'on' is not yes or no", "upstream-sentinel m h:2\nupstream-sentinel-tls on\n" + SHARD),
            bad("t:1: missing argument: upstream-sentinel-tls yes|no", "upstream-sentinel-tls\n" + SHARD),
            bad("t:1: upstream-sentinel-tls without upstream-sentinel (it says how the sentinels are asked; upstream-tls is the master's)",
                "upstream-sentinel-tls yes\n" + SHARD),
            bad("t:1: upstream-demoted 'ignore' is not follow, stop or stay", "upstream-demoted ignore\n" + SHARD),
            // journal
            bad("t:1: journal-roll 'weekly' is not one of secondly, five_minutely, ten_minutely, half_hourly, hourly, daily",
                "journal-roll weekly\n" + SHARD),
            bad("t:1: journal-sync 'always' is not none or commit", "journal-sync always\n" + SHARD),
            bad("t:1: bad size '10gigs' (expected a number with b, kb, mb, gb or tb)", "journal-max-bytes 10gigs\n" + SHARD),
            bad("t:1: bad size '-1' (expected a number with b, kb, mb, gb or tb)", "journal-max-bytes -1\n" + SHARD),
            bad("t:1: size '9999999999tb' is too large (at most 8388607tb)", "journal-max-bytes 9999999999tb\n" + SHARD),
            bad("t:1: size '99999999999999999999' is too large (at most 9223372036854775807b)",
                "journal-min-free 99999999999999999999\n" + SHARD),
            bad("t:1: journal-min-free must be at least 64mb, was 67108863: below that a full disk can reach a memory-mapped write, "
                + "which kills the process", "journal-min-free 67108863\n" + SHARD),
            bad("t:1: bad duration '0s' (expected a positive number with ms, s, m, h or d)", "journal-max-age 0s\n" + SHARD),
            bad("t:1: bad duration '10' (expected a positive number with ms, s, m, h or d)", "retention-interval 10\n" + SHARD),
            bad("t:1: bad duration '1w' (expected a positive number with ms, s, m, h or d)", "replica-stall-timeout 1w\n" + SHARD),
            bad("t:1: duration '999999999999999d' is too large (at most 106751991167d)", "journal-max-age 999999999999999d\n" + SHARD),
            bad("t:1: duration '99999999999999999999s' is too large (at most 106751991167d)",
                "replica-drop-time 99999999999999999999s\n" + SHARD),
            bad("t:1: bad duration '-5s' (expected a positive number with ms, s, m, h or d)", "replica-failure-window -5s\n" + SHARD),
            bad("t:1: bad duration 'soon' (expected a positive number with ms, s, m, h or d)", "handshake-timeout soon\n" + SHARD),
            // counts and limits
            bad("t:1: replica-max-failures '0' is not a positive whole number", "replica-max-failures 0\n" + SHARD),
            bad("t:1: maxclients '-3' is not a positive whole number", "maxclients -3\n" + SHARD),
            bad("t:1: sink-max-failures 'many' is not a positive whole number", "sink-max-failures many\n" + SHARD),
            bad("t:1: maxclients '2147483648' is not a positive whole number", "maxclients 2147483648\n" + SHARD),
            bad("t:1: proto-max-bulk-len must be 1kb..1gb, was 1023", "proto-max-bulk-len 1023\n" + SHARD),
            bad("t:1: proto-max-bulk-len must be 1kb..1gb, was 2147483648", "proto-max-bulk-len 2gb\n" + SHARD),
            // shard lines
            bad("t:1: missing argument: shard NAME HOST:PORT regex=...|prefix=...|slots=...", "shard"),
            bad("t:1: missing argument: shard NAME HOST:PORT ...", "shard a"),
            bad("t:1: shard name 'a/b' may only use letters, digits, '_', '.', '-'", "shard a/b 127.0.0.1:7001 prefix=x"),
            bad("t:1: shard name 'snapshots' is reserved (the journal keeps its snapshots there)", "shard snapshots h:1 prefix=x"),
            bad("t:1: shard name 'sinks' is reserved (the journal keeps its sinks there)", "shard sinks h:1 prefix=x"),
            bad("t:2: shard a is already defined on line 1", SHARD + "shard a 127.0.0.1:7002 prefix=y"),
            bad("t:2: shard b listens on 127.0.0.1:7001 like shard a", SHARD + "shard b 127.0.0.1:7001 prefix=y"),
            bad("t:2: shard b listens on 0.0.0.0:7001 like shard a", SHARD + "shard b 0.0.0.0:7001 prefix=y"),
            bad("t:2: shard b listens on localhost:7001 like shard a", SHARD + "shard b localhost:7001 prefix=y"),
            bad("t:1: shard a: expected regex=..., prefix=... or slots=..., got ''", "shard a h:1"),
            bad("t:1: shard a: expected regex=..., prefix=... or slots=..., got 'keys=x'", "shard a h:1 keys=x"),
            bad("t:1: shard a: bad regex '^(a': Unclosed group near index 3", "shard a h:1 regex=^(a"),
            bad("t:1: shard a: empty regex (it would match every key; write .* if that is meant)", "shard a h:1 regex="),
            bad("t:1: shard a: empty prefix= (it would claim every key)", "shard a h:1 prefix="),
            bad("t:1: shard a: bad slot range '9-3' (expected N or N-M with 0 <= N <= M <= 16383)", "shard a h:1 slots=9-3"),
            bad("t:1: shard a: bad slot range '16384' (expected N or N-M with 0 <= N <= M <= 16383)", "shard a h:1 slots=0-16383,16384"),
            bad("t:1: shard a: bad slot range '1-2-3' (expected N or N-M with 0 <= N <= M <= 16383)", "shard a h:1 slots=1-2-3"),
            bad("t:1: shard a: bad slot range '' (expected N or N-M with 0 <= N <= M <= 16383)", "shard a h:1 slots="),
            // checks across shard lines
            bad("t: no shard defined (add: shard NAME HOST:PORT regex=...)", "upstream 127.0.0.1:6379"),
            bad("t:2: shard b claims slot 100, already claimed by shard a", "shard a h:1 slots=0-200\nshard b h:2 slots=100-16383"),
            bad("t: slots 5461-16383 are claimed by no shard (assign them, or set 'unclaimed SHARD' to send them somewhere)",
                "shard a h:1 slots=0-5460"),
            bad("t:2: shard b (prefix=user:1) overlaps shard a (prefix=user:)", "shard a h:1 prefix=user:\nshard b h:2 prefix=user:1"),
            bad("t:2: shard b (prefix=u) overlaps shard a (prefix=user:)", "shard a h:1 prefix=user:\nshard b h:2 prefix=u"),
            bad("t:2: unclaimed names shard 'zz', which is not defined", SHARD + "unclaimed zz"),
            bad("t:2: unclaimed takes 1 argument, unexpected 'b' (expected: unclaimed drop|SHARD)", SHARD + "unclaimed a b"),
            bad("t:2: admin 127.0.0.1:7001 is the port of shard a (line 1)", SHARD + "admin 127.0.0.1:7001"),
            bad("t:1: admin 0.0.0.0:7001 is the port of shard a (line 2)", "admin 0.0.0.0:7001\n" + SHARD),
            bad("t: shard-password names shard 'zz', which is not defined", SHARD + "shard-password zz s3cret"),
            bad("t: shard-user names shard 'a', which has no shard-password", SHARD + "shard-user a replicator"),
            // rewrite
            bad("t:2: missing argument: rewrite SHARD strip-prefix=P|add-prefix=P|regex=R replace=S", SHARD + "rewrite"),
            bad("t:2: rewrite names shard 'zz', which is not defined", SHARD + "rewrite zz add-prefix=n:"),
            bad("t:2: rewrite a: expected strip-prefix=P, add-prefix=P or regex=R replace=S, got 'prefix=p'", SHARD + "rewrite a prefix=p"),
            bad("t:2: rewrite a: expected strip-prefix=P, add-prefix=P or regex=R replace=S, got ''", SHARD + "rewrite a"),
            bad("t:2: rewrite a: regex=R needs replace=S after it", SHARD + "rewrite a regex=^x"),
            bad("t:2: rewrite a: bad regex '(x': Unclosed group near index 2", SHARD + "rewrite a regex=(x replace=y"),
            bad("t:2: rewrite a: replace=$1 refers to group $1, but regex ^x has 0", SHARD + "rewrite a regex=^x replace=$1"),
            // drop and transform
            bad("t:2: expected drop key=REGEX, value=REGEX, larger-than=SIZE or type=T[,T], got 'drop size=1'", SHARD + "drop size=1"),
            bad("t:2: expected drop key=REGEX, value=REGEX, larger-than=SIZE or type=T[,T], got 'drop '", SHARD + "drop"),
            bad("t:2: drop: empty regex (it would match every key; write .* if that is meant)", SHARD + "drop key="),
            bad("t:2: drop: bad regex '(': Unclosed group near index 1", SHARD + "drop value=("),
            bad("t:2: bad size 'big' (expected a number with b, kb, mb, gb or tb)", SHARD + "drop larger-than=big"),
            bad("t:2: drop type=hashes: not one of " + ConfigParser.DATA_TYPES, SHARD + "drop type=hashes"),
            bad("t:2: transform: expected key=value, got 'x.Y'", SHARD + "transform x.Y"),
            bad("t:2: transform: expected key=value, got '=v'", SHARD + "transform class=x.Y =v"),
            bad("t:2: transform needs class=CLASS (and jar=PATH unless the class is on the class path)", SHARD + "transform jar=/x.jar"),
            bad("t:2: transform needs class=CLASS (and jar=PATH unless the class is on the class path)", SHARD + "transform"),
            // sinks
            bad("t:2: missing argument: " + SINK_USAGE, SHARD + "sink"),
            bad("t:2: missing argument: " + SINK_USAGE, SHARD + "sink s"),
            bad("t:2: missing argument: " + SINK_USAGE, SHARD + "sink s xadd"),
            bad("t:2: sink name 's/1' may only use letters, digits, '_', '.', '-'", SHARD + "sink s/1 xadd h:1 st"),
            bad("t:2: sink s: 'kafkaesque' is not xadd, publish, command, kafka or class=CLASS", SHARD + "sink s kafkaesque"),
            bad("t:2: sink s: kafka needs bootstrap=", SHARD + "sink s kafka topic=t"),
            bad("t:2: sink s: kafka needs topic=", SHARD + "sink s kafka bootstrap=h:9092"),
            bad("t:2: sink s: 'topic' is not one of bootstrap= topic= key= partitioner= acks= compression= format= checkpoint-topic= "
                + "shards= values= batch= kinds= kafka.PROPERTY=", SHARD + "sink s kafka bootstrap=h:9092 topic"),
            bad("t:2: sink s: key=value is not key, shard or none", SHARD + "sink s kafka bootstrap=h:9092 topic=t key=value"),
            bad("t:2: sink s: acks=1: exactly-once delivery is a transaction, which needs acks=all",
                SHARD + "sink s kafka bootstrap=h:9092 topic=t acks=1"),
            bad("t:2: sink s: compression=brotli is not none, gzip, snappy, lz4 or zstd",
                SHARD + "sink s kafka bootstrap=h:9092 topic=t compression=brotli"),
            bad("t:2: sink s: format=avro is not json", SHARD + "sink s kafka bootstrap=h:9092 topic=t format=avro"),
            bad("t:2: sink s: kafka.transactional.id is set by the sink (a transactional producer per shard)",
                SHARD + "sink s kafka bootstrap=h:9092 topic=t kafka.transactional.id=x"),
            bad("t:2: bad address 'h' (expected HOST:PORT)", SHARD + "sink s publish h ch"),
            bad("t:2: sink s: xadd takes one stream after HOST:PORT, got [one, two]", SHARD + "sink s xadd 127.0.0.1:6379 one two"),
            bad("t:2: sink s: publish takes one channel after HOST:PORT, got []", SHARD + "sink s publish 127.0.0.1:6379"),
            bad("t:2: sink s: command needs the command's words after HOST:PORT ({key} {db} {event} {type} {command} {shard} {offset} "
                + "are filled in)", SHARD + "sink s command 127.0.0.1:6379 values=yes"),
            bad("t:2: sink s: kinds=add,create: 'create' is not one of add, change, del, expire, rename, flush, load",
                SHARD + "sink s publish 127.0.0.1:6379 ch kinds=add,create"),
            bad("t:2: sink s: values=maybe is not yes or no", SHARD + "sink s publish 127.0.0.1:6379 ch values=maybe"),
            bad("t:2: sink s: batch '0' is not a positive whole number", SHARD + "sink s publish 127.0.0.1:6379 ch batch=0"),
            bad("t:2: sink s: expected key=value, got 'stray'", SHARD + "sink s class=x.Y stray"),
            bad("t:3: sink s is defined twice", SHARD + "sink s publish 127.0.0.1:6379 ch\nsink s xadd 127.0.0.1:6379 st"),
            bad("t:2: sink s names shard 'zz', which is not defined", SHARD + "sink s publish 127.0.0.1:6379 ch shards=a,zz"));
    }

    private static Arguments bad(String message, String config) {
        return Arguments.of(message, config);
    }

    @Test
    void shouldNameTheLineAndColumnOfBytesThatAreNotUtf8() {
        final byte[] text = "shard a h:1 prefix=x # caf\u00e9\nupstream h\u00e9:1\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("t:2: not UTF-8: byte 0xE9 near column 11 (save the file as UTF-8; comments may hold any bytes)",
            assertThrows(ConfigException.class, () -> ConfigText.decode(text, "t")).getMessage());
        assertEquals("upstream a#b:1\n", ConfigText.decode("upstream a#b:1".getBytes(StandardCharsets.UTF_8), "t"),
            "a # inside a word is not a comment");
    }
}
