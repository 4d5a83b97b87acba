package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.JournalWriter;
import io.redisreplica.testkit.RdbCorpus;
import tools.jackson.databind.JsonNode;

/**
 * Golden {@code --json} output of each command that needs no server (replay, status, compare and
 * cutover are checked in their integration tests), each parsed back by a strict JSON parser.
 */
class JsonOutputTest {
    @TempDir
    Path dir;

    private static String corpus(String path) {
        return RdbCorpus.dir().resolve(path).toString();
    }

    private static String json(byte[] bytes, boolean base64) {
        final StringWriter out = new StringWriter();
        try (JsonOut j = new JsonOut(out, base64)) {
            j.bytes(bytes);
        }
        return out.toString();
    }

    @Test
    void shouldWriteBytesThatAreNotUtf8AsBase64AndTheRestAsEscapedStrings() {
        final byte[] binary = {(byte) 0xff, 0, 'a'};
        assertEquals("{\"base64\":\"/wBh\"}", json(binary, false));
        assertEquals("\"/wBh\"", json(binary, true));
        assertEquals("\"é\\n\\\"\\\\\\u0000\\u0000\\u0001\\t\"", json("é\n\"\\\0\0\u0001\t".getBytes(StandardCharsets.UTF_8), false));
        assertEquals("\"" + Base64.getEncoder().encodeToString("é".getBytes(StandardCharsets.UTF_8)) + "\"",
            json("é".getBytes(StandardCharsets.UTF_8), true));
        final byte[] longNuls = new byte[70_000]; // past what is escaped in one buffer
        assertEquals(70_000 * 6 + 2, json(longNuls, false).length());
        assertEquals("", JsonParsing.parse(json(longNuls, false)).asString().replace("\0", ""));
    }

    @Test
    void shouldDescribeAnRdbWithItsVerifiedChecksum() {
        final String file = corpus("keydb/tests/assets/redis-save.rdb");
        final Cli cli = Cli.run("rdb", "info", "--json", file);
        assertEquals("{\"file\":\"" + file + "\",\"bytes\":247,\"version\":9,\"valkey\":false,\"checksum\":\"1614871fd16f50ca\","
            + "\"checksum_verified\":true,\"keys\":6,\"functions\":0,\"module_aux\":0,\"aux\":{\"aof-preamble\":\"0\",\"ctime\":\"1606772066\","
            + "\"redis-bits\":\"64\",\"redis-ver\":\"255.255.255\",\"used-mem\":\"869624\"},\"dbs\":{\"0\":{\"hash_ziplist\":{\"keys\":1,"
            + "\"value_bytes\":36,\"with_expiry\":0},\"list_quicklist\":{\"keys\":1,\"value_bytes\":23,\"with_expiry\":0},\"set\":{\"keys\":1,"
            + "\"value_bytes\":11,\"with_expiry\":0},\"string\":{\"keys\":2,\"value_bytes\":12,\"with_expiry\":0},\"zset_ziplist\":{\"keys\":1,"
            + "\"value_bytes\":26,\"with_expiry\":0}}}}\n", cli.out());
        assertEquals(6, JsonParsing.parse(cli.out()).get("keys").asLong());
        final JsonNode none = JsonParsing.parse(Cli.run("rdb", "info", "--json", corpus("redis-rdb-tools/tests/dumps/multiple_databases.rdb")).out());
        assertEquals(true, none.get("checksum").isNull());
        assertEquals(false, none.get("checksum_verified").asBoolean());
    }

    @Test
    void shouldDumpEveryTypeWithPairsNeverDuplicateNames() {
        final Cli save = Cli.run("rdb", "dump", "--quiet", corpus("keydb/tests/assets/redis-save.rdb"));
        assertEquals(0, save.exit(), save.err());
        assertEquals("""
            {"db":0,"key":"string","type":"string","encoding":"string","offset":94,"value":"ABC123","value_bytes":7}
            {"db":0,"key":"zset","type":"zset","encoding":"zset_ziplist","offset":109,"value":[["key",10.0],["val",12.0]],"value_bytes":26}
            {"db":0,"key":"list","type":"list","encoding":"list_quicklist","offset":141,"value":["5","4","3","2","1"],"value_bytes":23}
            {"db":0,"key":"int","type":"string","encoding":"string","offset":170,"value":"1234567890","value_bytes":5}
            {"db":0,"key":"hash","type":"hash","encoding":"hash_ziplist","offset":180,"value":[["key1","val1"],["key2","val2"]],"value_bytes":36}
            """, save.out().substring(0, save.out().lastIndexOf("{\"db\":0,\"key\":\"set\"")));
        final Cli hexpire = Cli.run("rdb", "dump", "--quiet", corpus("librdb/test/dumps/hash_lp_with_hexpire_v12.rdb"));
        assertEquals("{\"db\":0,\"key\":\"myhash\",\"type\":\"hash\",\"encoding\":\"hash_listpack_ex_pre_ga\",\"offset\":90,\"value\":"
            + "[[\"field2\",\"value2\",70368744107663],[\"field1\",\"value1\",70368744177663],[\"field3\",\"value3\"]],\"value_bytes\":62}\n",
            hexpire.out());
        final Cli module = Cli.run("rdb", "dump", "--quiet", corpus("librdb/test/dumps/module.rdb"));
        assertEquals("{\"db\":0,\"key\":\"key1\",\"type\":\"module\",\"encoding\":\"module_2\",\"offset\":90,\"value\":{\"module\":\"test__rdb/v1\"},"
            + "\"value_bytes\":18}\n", module.out());
        final Cli stream = Cli.run("rdb", "dump", "--quiet", "--key", "^stream1$", corpus("librdb/test/dumps/misc_with_stream.rdb"));
        final JsonNode entry = JsonParsing.parse(stream.out()).get("value").get(0);
        assertEquals("{\"id\":\"1-0\",\"fields\":[[\"foo\",\"0\"],[\"bar\",\"0\"]]}", entry.toString());
        JsonParsing.lines(save.out());
    }

    @Test
    void shouldFilterTheDumpByKeyTypeAndDb() {
        final String file = corpus("keydb/tests/assets/redis-save.rdb");
        assertEquals(2, Cli.run("rdb", "dump", "--quiet", "--type", "string", file).out().lines().count());
        assertEquals(3, Cli.run("rdb", "dump", "--quiet", "--type", "STRING,hash", file).out().lines().count());
        assertEquals(1, Cli.run("rdb", "dump", "--quiet", "--key", "^li", file).out().lines().count());
        assertEquals(0, Cli.run("rdb", "dump", "--quiet", "--db", "1", file).out().lines().count());
        final String multi = corpus("redis-rdb-tools/tests/dumps/multiple_databases.rdb");
        final Cli db2 = Cli.run("rdb", "dump", "--quiet", "--db", "2", multi);
        assertEquals(1, db2.out().lines().count(), db2.out());
        assertEquals(2, JsonParsing.parse(db2.out()).get("db").asLong());
        final Cli keysOnly = Cli.run("rdb", "dump", "--quiet", "--no-values", "--type", "list", file);
        assertEquals("{\"db\":0,\"key\":\"list\",\"type\":\"list\",\"encoding\":\"list_quicklist\",\"offset\":141,\"value_bytes\":23}\n",
            keysOnly.out());
    }

    @Test
    void shouldSplitWithAResultObject() throws Exception {
        final Path config = Files.writeString(dir.resolve("router.conf"), "shard a 127.0.0.1:7001 regex=^[a-m]\nunclaimed b\n"
            + "shard b 127.0.0.1:7002 regex=^[n-z]\n");
        final Cli cli = Cli.run("rdb", "split", "--quiet", "--json", "-c", config.toString(), "-o", dir.resolve("out").toString(),
            corpus("keydb/tests/assets/redis-save.rdb"));
        assertEquals(0, cli.exit(), cli.err());
        final JsonNode result = JsonParsing.parse(cli.out());
        final String seconds = result.get("seconds").toString();
        assertEquals("{\"file\":\"" + corpus("keydb/tests/assets/redis-save.rdb") + "\",\"version\":9,\"keys\":6,\"dropped\":0,\"seconds\":"
            + seconds + ",\"shards\":[{\"shard\":\"a\",\"keys\":3,\"bytes\":" + result.get("shards").get(0).get("bytes") + ",\"file\":\""
            + dir.resolve("out/a.rdb") + "\"},{\"shard\":\"b\",\"keys\":3,\"bytes\":" + result.get("shards").get(1).get("bytes")
            + ",\"file\":\"" + dir.resolve("out/b.rdb") + "\"}]}\n", cli.out());
    }

    @Test
    void shouldListVerifyAndTailAJournal() {
        final Path journal = JournalFixtures.twoEntries(dir.resolve("j"));
        final Cli ls = Cli.run("journal", "ls", "--json", journal.toString());
        final JsonNode shard = JsonParsing.parse(ls.out()).get("shards").get(0);
        assertEquals("{\"journal\":\"" + journal + "\",\"upstream\":{\"replid\":\"abc123\",\"offset\":20},\"shards\":[{\"shard\":\"a\","
            + "\"first_offset\":0,\"end_offset\":60,\"entries\":2,\"files\":1,\"bytes\":" + shard.get("bytes") + ",\"apparent_bytes\":"
            + shard.get("apparent_bytes") + "}],\"receivers\":[{\"shard\":\"a\",\"receiver\":\"replica-1\",\"acked_offset\":33,\"lag_bytes\":27,"
            + "\"needs_full_resync\":false}],\"shard_map\":{\"a\":\"keys=\\\"regex=^a\\\"\"}}\n", ls.out());
        final Cli verify = Cli.run("journal", "verify", "--json", journal.toString());
        assertEquals("{\"journal\":\"" + journal + "\",\"shards\":1,\"consistent\":true,\"problems\":[]}\n", verify.out());
        JsonParsing.parse(verify.out());
        final Cli tail = Cli.run("journal", "tail", "--json", journal.toString(), "-s", "a");
        assertEquals("{\"offset\":0,\"db\":0,\"upstream\":10,\"args\":[\"SET\",\"apple\",\"red\"]}\n"
            + "{\"offset\":33,\"db\":1,\"upstream\":20,\"args\":[\"INCR\",\"avocado\"]}\n", tail.out());
        assertEquals(2, JsonParsing.lines(tail.out()).size());
    }

    @Test
    void shouldTailBinaryArgumentsLosslessly() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
            final JournalWriter writer = journal.shard("a").writer(0);
            final byte[] head = "*3\r\n$3\r\nSET\r\n$2\r\n".getBytes(StandardCharsets.US_ASCII);
            final byte[] tail = "\r\n$1\r\nv\r\n".getBytes(StandardCharsets.US_ASCII);
            final byte[] set = new byte[head.length + 2 + tail.length];
            System.arraycopy(head, 0, set, 0, head.length);
            set[head.length] = (byte) 0xc3; // a UTF-8 lead byte cut short: not UTF-8
            set[head.length + 1] = 'k';
            System.arraycopy(tail, 0, set, head.length + 2, tail.length);
            writer.append(10, 0, 0, set);
            writer.commit();
        }
        final Cli plain = Cli.run("journal", "tail", "--json", dir.toString(), "-s", "a");
        assertEquals("{\"offset\":0,\"db\":0,\"upstream\":10,\"args\":[\"SET\",{\"base64\":\"w2s=\"},\"v\"]}\n", plain.out());
        final Cli base64 = Cli.run("journal", "tail", "--json", "--base64", dir.toString(), "-s", "a");
        assertEquals("{\"offset\":0,\"db\":0,\"upstream\":10,\"args\":[\"U0VU\",\"w2s=\",\"dg==\"]}\n", base64.out());
        JsonParsing.parse(plain.out());
    }
}
