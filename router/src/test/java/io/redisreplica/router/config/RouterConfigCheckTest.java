package io.redisreplica.router.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config's ranges, words, quoting, bytes and ports: each mistake refused with file, line and reason. */
class RouterConfigCheckTest {
    private static final String SHARD = "shard a 127.0.0.1:7001 prefix=x\n";

    @TempDir
    Path dir;

    @Test
    void shouldRefuseSizesAndDurationsThatOverflow() {
        assertError("t:1: size '9999999999tb' is too large (at most 8388607tb)", "journal-max-bytes 9999999999tb\n" + SHARD);
        assertError("t:1: size '99999999999999999999' is too large (at most 9223372036854775807b)",
            "journal-min-free 99999999999999999999\n" + SHARD);
        assertError("t:1: duration '999999999999999d' is too large (at most 106751991167d)", "journal-max-age 999999999999999d\n" + SHARD);
        assertError("t:1: duration '99999999999999999999s' is too large (at most 106751991167d)",
            "replica-drop-time 99999999999999999999s\n" + SHARD);
        assertEquals(8388607L << 40, ConfigParser.parse("journal-max-bytes 8388607tb\n" + SHARD, "t").journalContext().maxBytesPerShard());
    }

    @Test
    void shouldRefuseAJournalMinFreeSoSmallThatAFullDiskCouldReachAMappedWrite() {
        assertError("t:1: journal-min-free must be at least 64mb, was 0: below that a full disk can reach a memory-mapped write, "
            + "which kills the process", "journal-min-free 0\n" + SHARD);
        assertEquals(64L << 20, ConfigParser.parse("journal-min-free 64mb\n" + SHARD, "t").journalContext().minFreeBytes());
    }

    @Test
    void shouldRefuseCountsBelowOne() {
        assertError("t:1: replica-max-failures '0' is not a positive whole number", "replica-max-failures 0\n" + SHARD);
        assertError("t:1: replica-max-failures '-3' is not a positive whole number", "replica-max-failures -3\n" + SHARD);
        assertError("t:1: maxclients '0' is not a positive whole number", "maxclients 0\n" + SHARD);
        final RouterConfig config = ConfigParser.parse("maxclients 7\nhandshake-timeout 3s\n" + SHARD, "t");
        assertEquals(7, config.maxClients());
        assertEquals(java.time.Duration.ofSeconds(3), config.handshakeTimeout());
        final RouterConfig defaults = ConfigParser.parse(SHARD, "t");
        assertEquals(128, defaults.maxClients());
        assertEquals(java.time.Duration.ofSeconds(10), defaults.handshakeTimeout());
    }

    @Test
    void shouldRefuseEmptyRegexesAndPrefixes() {
        assertError("t:1: shard a: empty regex (it would match every key; write .* if that is meant)", "shard a 127.0.0.1:7001 regex=");
        assertError("t:1: shard a: empty prefix= (it would claim every key)", "shard a 127.0.0.1:7001 prefix=");
        assertError("t:2: drop: empty regex (it would match every key; write .* if that is meant)", SHARD + "drop key=");
    }

    @Test
    void shouldQuoteValuesWithSpacesAndRefuseTrailingWords() {
        assertError("t:2: shard-password takes 2 arguments, unexpected word 4 (expected: shard-password SHARD SECRET|password-file=PATH (quote a secret "
            + "with spaces: \"my secret\"))", SHARD + "shard-password a my secret");
        assertEquals("my secret", ConfigParser.parse(SHARD + "shard-password a \"my secret\"", "t").shardPassword("a"));
        assertEquals("say \"hi\"\\", ConfigParser.parse(SHARD + "shard-password a \"say \\\"hi\\\"\\\\\"", "t").shardPassword("a"));
        assertEquals("it's", ConfigParser.parse(SHARD + "shard-password a 'it\\'s'", "t").shardPassword("a"));
        assertEquals("a\\b\"c", ConfigParser.parse(SHARD + "shard-password a a\\b\"c", "t").shardPassword("a"), "unquoted: as written");
        assertEquals("pw", ConfigParser.parse(SHARD + "upstream-password \"pw\"   # the master's", "t").upstreamPassword());
        assertError("t:2: unbalanced quotes: \" at column 18 is never closed", SHARD + "shard-password a \"my secret");
        assertError("t:2: closing quote at column 21 must be followed by a space", SHARD + "shard-password a \"my\"secret");
        assertError("t:2: unknown escape \\q at column 20 (inside \"...\": \\\" \\\\ \\n \\r \\t)", SHARD + "shard-password a \"a\\qb\"");
        assertError("t:1: upstream takes 1 argument, unexpected 'extra' (expected: upstream HOST:PORT)", "upstream 127.0.0.1:6379 extra\n" + SHARD);
        assertError("t:1: upstream-password takes 1 argument, unexpected word 3 (expected: upstream-password SECRET|password-file=PATH)",
            "upstream-password my secret\n" + SHARD);
        assertError("t:1: journal-max-bytes takes 1 argument, unexpected 'gb' (expected: journal-max-bytes SIZE)",
            "journal-max-bytes 10 gb\n" + SHARD);
        assertError("t:1: admin takes 1 argument, unexpected 'x' (expected: admin HOST:PORT)", "admin 127.0.0.1:7100 x\n" + SHARD);
        assertError("t:1: replica-max-failures takes 1 argument, unexpected '3' (expected: replica-max-failures N)",
            "replica-max-failures 2 3\n" + SHARD);
        assertError("t:2: unclaimed takes 1 argument, unexpected 'b' (expected: unclaimed drop|SHARD)", SHARD + "unclaimed a b");
    }

    @Test
    void shouldTakeAShardUserOnlyWithAShardPassword() {
        assertEquals("replicator", ConfigParser.parse(SHARD + "shard-password a pw\nshard-user a replicator", "t").shardUser("a"));
        assertEquals(null, ConfigParser.parse(SHARD + "shard-password a pw", "t").shardUser("a"));
        assertError("t: shard-user names shard 'a', which has no shard-password", SHARD + "shard-user a replicator");
    }

    @Test
    void shouldRefuseTheAdminPortOnAShardPortAndTwoShardsOnOnePort() {
        assertError("t:2: admin 127.0.0.1:7001 is the port of shard a (line 1)", SHARD + "admin 127.0.0.1:7001");
        assertError("t:2: admin 0.0.0.0:7001 is the port of shard a (line 1)", SHARD + "admin 0.0.0.0:7001");
        assertError("t:2: shard b listens on 0.0.0.0:7001 like shard a", SHARD + "shard b 0.0.0.0:7001 prefix=y");
        assertError("t:2: shard b listens on localhost:7001 like shard a", SHARD + "shard b localhost:7001 prefix=y");
        ConfigParser.parse(SHARD + "shard b 127.0.0.1:7002 prefix=y\nadmin 127.0.0.1:7100", "t");
    }

    @Test
    void shouldReadUtf8AndLetCommentsHoldAnyBytes() throws Exception {
        final Path file = dir.resolve("router.conf");
        final byte[] latin1Comment = "# caf\u00e9 (Latin-1)\nshard a 127.0.0.1:7001 prefix=x   # \u00e9\nshard-password a p\u00e4ss\n"
            .getBytes(StandardCharsets.ISO_8859_1);
        // only the password is not UTF-8: the comments' Latin-1 bytes are fine
        Files.write(file, latin1Comment);
        final ConfigException bad = assertThrows(ConfigException.class, () -> ConfigParser.load(file));
        assertEquals(file + ":3: not UTF-8: byte 0xE4 near column 19 (save the file as UTF-8; comments may hold any bytes)",
            bad.getMessage());
        Files.write(file, "# caf\u00e9\nshard a 127.0.0.1:7001 prefix=x   # \u00e9\nshard-password a p\u00e4ss\n"
            .getBytes(StandardCharsets.UTF_8));
        assertEquals("p\u00e4ss", ConfigParser.load(file).shardPassword("a"));
        Files.write(file, "# caf\u00e9\nshard a 127.0.0.1:7001 prefix=x\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(1, ConfigParser.load(file).shardMap().shards().size());
        Files.write(file, "\ufeffshard a 127.0.0.1:7001 prefix=x\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(1, ConfigParser.load(file).shardMap().shards().size(), "a byte order mark is skipped");
    }

    @Test
    void shouldSayWhyAFileCannotBeRead() throws Exception {
        final Path missing = dir.resolve("nope.conf");
        assertEquals("cannot read config " + missing + ": no such file",
            assertThrows(ConfigException.class, () -> ConfigParser.load(missing)).getMessage());
        assertEquals("cannot read config " + dir + ": it is a directory",
            assertThrows(ConfigException.class, () -> ConfigParser.load(dir)).getMessage());
        final Path locked = dir.resolve("locked.conf");
        Files.writeString(locked, SHARD);
        if (locked.toFile().setReadable(false) && !Files.isReadable(locked)) { // root reads anything
            assertEquals("cannot read config " + locked + ": permission denied",
                assertThrows(ConfigException.class, () -> ConfigParser.load(locked)).getMessage());
        }
    }

    private static void assertError(String message, String config) {
        final ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(config, "t"));
        assertEquals(message, e.getMessage());
    }
}
