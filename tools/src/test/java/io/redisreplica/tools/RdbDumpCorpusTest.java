package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.redisreplica.testkit.RdbCorpus;
import tools.jackson.databind.JsonNode;

/** {@code rdb dump} of every RDB of the shared corpus (read in place), each line parsed back by a strict JSON parser. */
class RdbDumpCorpusTest {
    /** The corpus's negative files that every reader refuses: exit 3. */
    private static final Set<String> NEGATIVE = Set.of("librdb/test/dumps/future_v19.rdb", "librdb/test/dumps/invalid_chksum_v8.rdb",
        "librdb/test/dumps/redis_ent_opcode_ram_lru.rdb");

    static Stream<Arguments> files() {
        return RdbCorpus.entries().stream().filter(RdbCorpus.Entry::isRdb).map(e -> Arguments.of(e.path(), e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void shouldDumpEveryEntryAsALineOfValidJson(String path, RdbCorpus.Entry file) {
        final Cli dump = Cli.run("rdb", "dump", "--quiet", file.file().toString());
        if (NEGATIVE.contains(path)) {
            assertEquals(ExitCodes.BAD_INPUT, dump.exit(), dump.err());
            return;
        }
        if (path.contains("/corrupt_") && dump.exit() != 0) { // damage only the decoder meets (rdb info steps over the value)
            assertEquals(ExitCodes.BAD_INPUT, dump.exit(), dump.err());
            assertTrue(dump.err().startsWith("error: corrupt "), dump.err());
            JsonParsing.lines(dump.out()); // the lines before it are whole
            return;
        }
        assertEquals(0, dump.exit(), dump.err());
        final List<JsonNode> lines = JsonParsing.lines(dump.out());
        final Cli info = Cli.run("rdb", "info", "--quiet", "--json", file.file().toString());
        assertEquals(JsonParsing.parse(info.out()).get("keys").asLong(), lines.size(), "one line per key");
        for (JsonNode line : lines) {
            assertTrue(line.has("db") && line.has("key") && line.has("type") && line.has("value") && line.has("value_bytes"), line.toString());
        }
        final Cli base64 = Cli.run("rdb", "dump", "--quiet", "--base64", file.file().toString());
        assertEquals(lines.size(), JsonParsing.lines(base64.out()).size());
    }
}
