package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.RdbCorpus;

class RdbCommandsTest {
    @TempDir
    Path dir;

    private static Path corpus(String path) {
        return RdbCorpus.dir().resolve(path);
    }

    @Test
    void shouldDescribeAnRdbFile() {
        final Cli cli = Cli.run("rdb", "info", corpus("redis-rdb-tools/tests/dumps/multiple_databases.rdb").toString());
        assertEquals(0, cli.exit(), cli.err());
        assertTrue(cli.out().contains("format: REDIS rdb version 3, checksum not stored"), cli.out());
        assertTrue(cli.out().contains("keys: 2,"), cli.out());
        assertTrue(cli.out().contains("db 0:") && cli.out().contains("db 2:"), cli.out());
    }

    @Test
    void shouldDescribeAnRdbFileAsJson() {
        final Cli cli = Cli.run("rdb", "info", "--json", corpus("keydb/tests/assets/redis-save.rdb").toString());
        assertEquals(0, cli.exit(), cli.err());
        assertTrue(cli.out().startsWith("{\"file\":") && cli.out().contains("\"version\":9") && cli.out().contains("\"keys\":6"),
            cli.out());
    }

    @Test
    void shouldSplitByTheRouterShardMap() throws Exception {
        final Path config = Files.writeString(dir.resolve("router.conf"), "shard a 127.0.0.1:7001 regex=^[a-m]\nunclaimed b\n"
            + "shard b 127.0.0.1:7002 regex=^[n-z]\n");
        final Cli cli = Cli.run("rdb", "split", "--quiet", "-c", config.toString(), "-o", dir.resolve("out").toString(),
            corpus("redis-rdb-tools/tests/dumps/parser_filters.rdb").toString());
        assertEquals(0, cli.exit(), cli.err());
        assertTrue(Files.exists(dir.resolve("out/a.rdb")) && Files.exists(dir.resolve("out/b.rdb")));
        final Cli a = Cli.run("rdb", "info", "--json", dir.resolve("out/a.rdb").toString());
        final Cli b = Cli.run("rdb", "info", "--json", dir.resolve("out/b.rdb").toString());
        final Cli all = Cli.run("rdb", "info", "--json", corpus("redis-rdb-tools/tests/dumps/parser_filters.rdb").toString());
        assertEquals(keys(all.out()), keys(a.out()) + keys(b.out()));
        // the shards hold the dataset: readable by their owner only, whatever the umask
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("out/a.rdb"))));
    }

    private static long keys(String json) {
        final int at = json.indexOf("\"keys\":") + 7;
        return Long.parseLong(json.substring(at, json.indexOf(',', at)));
    }

    @Test
    void shouldDumpEntriesAsJsonLines() {
        final Cli cli = Cli.run("rdb", "dump", corpus("redis-rdb-tools/tests/dumps/keys_with_expiry.rdb").toString());
        assertEquals(0, cli.exit(), cli.err());
        assertEquals(1, cli.out().lines().count(), cli.out());
        assertTrue(cli.out().contains("\"type\":\"string\"") && cli.out().contains("\"expire_at_ms\":"), cli.out());
        assertTrue(cli.out().contains("\"key\":\"expires_ms_precision\"") && cli.out().contains("\"value\":\"2022-12-25 10:11:12.573 UTC\""),
            cli.out());
    }

    @Test
    void shouldDumpDecodedValuesOfEveryType() {
        final Cli cli = Cli.run("rdb", "dump", corpus("librdb/test/dumps/hash_zl_v6.rdb").toString());
        assertEquals(0, cli.exit(), cli.err());
        assertTrue(cli.out().contains("\"value\":[[\"1\",\"2\"],[\"3\",\"4\"],[\"5\",\"6\"],[\"7.0\",\"8.0\"],[\"str1\",\"str2\"],"
            + "[\"str3\",\"str4\"]]"), cli.out());
    }

    @Test
    void shouldExitWithBadInputForCorruptRdbAndBadConfig() throws Exception {
        final Cli corrupt = Cli.run("rdb", "info", corpus("librdb/test/dumps/invalid_chksum_v8.rdb").toString());
        assertEquals(ExitCodes.BAD_INPUT, corrupt.exit());
        assertTrue(corrupt.err().startsWith("error: RDB checksum mismatch at offset 201"), corrupt.err());
        final Path config = Files.writeString(dir.resolve("bad.conf"), "shard a 127.0.0.1:7001 slots=0-10\n");
        final Cli bad = Cli.run("rdb", "split", "-c", config.toString(), corpus("keydb/tests/assets/redis-save.rdb").toString());
        assertEquals(ExitCodes.BAD_INPUT, bad.exit());
        assertTrue(bad.err().contains("slots 11-16383 are claimed by no shard"), bad.err());
    }

    @Test
    void shouldExplainUsageErrors() {
        final Cli cli = Cli.run("rdb", "split");
        assertEquals(ExitCodes.USAGE, cli.exit());
        assertTrue(cli.err().contains("Missing required"), cli.err());
        final Cli help = Cli.run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Exit codes:\n  0  done"), help.out());
    }

    private Path twoShards() throws Exception {
        return Files.writeString(dir.resolve("router.conf"), "shard a 127.0.0.1:7001 regex=^[a-m]\nunclaimed b\n"
            + "shard b 127.0.0.1:7002 regex=^[n-z]\n");
    }

    @Test
    void shouldRefuseToReplaceShardFilesUnlessForced() throws Exception {
        final Path config = twoShards();
        final String in = corpus("keydb/tests/assets/redis-save.rdb").toString();
        final String out = dir.resolve("out").toString();
        assertEquals(0, Cli.run("rdb", "split", "--quiet", "-c", config.toString(), "-o", out, in).exit());
        final byte[] before = Files.readAllBytes(dir.resolve("out/a.rdb"));
        final Cli again = Cli.run("rdb", "split", "--quiet", "-c", config.toString(), "-o", out, in);
        assertEquals(ExitCodes.USAGE, again.exit(), again.err());
        assertTrue(again.err().startsWith("shard files exist: [" + dir.resolve("out/a.rdb") + ", " + dir.resolve("out/b.rdb")
            + "] (--force replaces them)"), again.err());
        assertEquals(0, Cli.run("rdb", "split", "--quiet", "--force", "-c", config.toString(), "-o", out, in).exit());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve("out/a.rdb"))));
    }

    @Test
    void shouldLeaveNoShardFileBehindOnACorruptInput() throws Exception {
        final Path config = twoShards();
        final Cli corrupt = Cli.run("rdb", "split", "--quiet", "-c", config.toString(), "-o", dir.resolve("out").toString(),
            corpus("librdb/test/dumps/invalid_chksum_v8.rdb").toString());
        assertEquals(ExitCodes.BAD_INPUT, corrupt.exit(), corrupt.err());
        try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("out"))) {
            assertEquals(java.util.List.of(), files.toList(), "no shard file and no temp file: the error came at the checksum, after every entry");
        }
    }

    @Test
    void shouldLeaveTheMastersReplicationIdOutOfTheShardFiles() throws Exception {
        final Path config = twoShards();
        final Path in = corpus("librdb/test/dumps/quicklist2_v11.rdb");
        assertTrue(Cli.run("rdb", "info", in.toString()).out().contains("aux repl-id: "), "the input has one");
        assertEquals(0, Cli.run("rdb", "split", "--quiet", "-c", config.toString(), "-o", dir.resolve("out").toString(), in.toString()).exit());
        for (String shard : java.util.List.of("a", "b")) {
            final Cli info = Cli.run("rdb", "info", dir.resolve("out/" + shard + ".rdb").toString());
            assertEquals(0, info.exit(), info.err());
            assertTrue(!info.out().contains("aux repl-id") && !info.out().contains("aux repl-offset"), info.out());
            assertTrue(info.out().contains("aux redis-ver: "), "other AUX fields stay: " + info.out());
        }
    }
}
