package io.redisreplica.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.redisreplica.testkit.RdbCorpus;

/** Every RDB of the shared corpus: the good ones read to their end, the bad ones fail with a clear message. */
class RdbCorpusTest {
    /** Files the corpus marks as negative, with the start of the error each must produce. */
    static final Map<String, String> NEGATIVE = Map.of(
        "librdb/test/dumps/future_v19.rdb", "RDB version 99 is not supported (this build reads 1..13)",
        "librdb/test/dumps/invalid_chksum_v8.rdb", "RDB checksum mismatch at offset 201: file says ",
        "librdb/test/dumps/redis_ent_opcode_ram_lru.rdb", "unknown value type 107 at offset 280 (db 0)");

    static Stream<Arguments> readable() {
        return RdbCorpus.entries().stream().filter(RdbCorpus.Entry::isRdb).filter(e -> !NEGATIVE.containsKey(e.path()))
            .map(e -> Arguments.of(e.path(), e));
    }

    static Stream<Arguments> negative() {
        return RdbCorpus.entries().stream().filter(e -> NEGATIVE.containsKey(e.path())).map(e -> Arguments.of(e.path(), e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readable")
    void shouldReadCorpusFileToItsEnd(String path, RdbCorpus.Entry file) throws IOException {
        final long[] entries = {0};
        final boolean[] ended = {false};
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.file()))) {
            final RdbHeader header = new RdbReader().read(in, new RdbVisitor() {
                @Override
                public void onEntryEnd(RdbEntry entry) {
                    entries[0]++;
                }

                @Override
                public void onEnd(long stored, long computed) {
                    ended[0] = true;
                }
            });
            assertEquals(file.rdbVersion(), Integer.toString(header.version()));
        }
        assertTrue(ended[0]);
        final boolean hasTypes = file.note().contains("types=");
        assertEquals(hasTypes, entries[0] > 0, "entries read: " + entries[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("negative")
    void shouldRejectNegativeCorpusFileClearly(String path, RdbCorpus.Entry file) {
        final RdbFormatException e = assertThrows(RdbFormatException.class, () -> {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file.file()))) {
                new RdbReader().read(in, new RdbVisitor() { });
            }
        });
        assertTrue(e.getMessage().startsWith(NEGATIVE.get(path)), e.getMessage());
    }

    /** Files whose encoded blobs are corrupt: the key pass reads them, decoding must refuse them. */
    static final Map<String, String> CORRUPT_BLOBS = Map.of("valkey/tests/assets/corrupt_ziplist.rdb", "corrupt ziplist");
    /** Every key of this file is an empty collection: Redis loads it and skips them all; so does the decoder's output. */
    static final String EMPTY_KEYS = "valkey/tests/assets/corrupt_empty_keys.rdb";

    @ParameterizedTest(name = "{0}")
    @MethodSource("readable")
    void shouldDecodeEveryValueOfCorpusFile(String path, RdbCorpus.Entry file) throws IOException {
        final DecodedValues decoded = new DecodedValues();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.file()))) {
            if (CORRUPT_BLOBS.containsKey(path)) {
                final RdbFormatException e = assertThrows(RdbFormatException.class, () -> new RdbReader().read(in, decoded));
                assertTrue(e.getMessage().startsWith(CORRUPT_BLOBS.get(path)), e.getMessage());
                return;
            }
            new RdbReader().read(in, decoded);
        }
        assertEquals(file.note().contains("types=") && !path.equals(EMPTY_KEYS), !decoded.values.isEmpty(), decoded.values.toString());
    }
}
