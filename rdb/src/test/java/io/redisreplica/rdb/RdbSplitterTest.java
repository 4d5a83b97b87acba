package io.redisreplica.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.redisreplica.testkit.RdbCorpus;

/** Splitting every readable corpus file: nothing lost, nothing duplicated, each key where the selector says. */
class RdbSplitterTest {
    /** A stable shard for a key: its bytes summed, modulo the shard count. */
    static KeySelector bySum(int shards) {
        return (db, key, length) -> {
            int sum = 0;
            for (int i = 0; i < length; i++) {
                sum += key[i] & 0xff;
            }
            return sum % shards;
        };
    }

    static Stream<Arguments> readable() {
        return RdbCorpus.entries().stream().filter(RdbCorpus.Entry::isRdb)
            .filter(e -> !RdbCorpusTest.NEGATIVE.containsKey(e.path()))
            .map(e -> Arguments.of(e.path(), e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readable")
    void shouldSplitIntoOneAndThreeShardsKeepingEveryEntryOnce(String path, RdbCorpus.Entry file) throws IOException {
        final Map<String, List<Long>> input = EntryDigests.of(file.file());
        final long inputEntries = input.values().stream().mapToLong(List::size).sum();
        for (int shards : new int[] {1, 3}) {
            final List<ByteArrayOutputStream> buffers = new ArrayList<>();
            final List<RdbWriter> writers = new ArrayList<>();
            for (int i = 0; i < shards; i++) {
                buffers.add(new ByteArrayOutputStream());
                writers.add(new RdbWriter(buffers.get(i)));
            }
            final SplitResult result;
            try (InputStream in = Files.newInputStream(file.file())) {
                result = new RdbSplitter().split(in, writers, bySum(shards));
            }
            assertEquals(inputEntries, result.totalKeys());
            final Map<String, List<Long>> union = new HashMap<>();
            for (int i = 0; i < shards; i++) {
                final Map<String, List<Long>> shard = EntryDigests.of(buffers.get(i).toByteArray()); // also checks its CRC64
                assertEquals(result.keysPerShard()[i], shard.values().stream().mapToLong(List::size).sum());
                for (String key : shard.keySet()) {
                    final byte[] bytes = java.util.HexFormat.of().parseHex(key.substring(key.indexOf('/') + 1));
                    assertEquals(i, bySum(shards).shardOf(0, bytes, bytes.length), "key " + key + " in shard " + i);
                    assertTrue(union.put(key, shard.get(key)) == null, "key in two shards: " + key);
                }
            }
            assertEquals(input, union, shards + " shards: same entries, byte for byte");
        }
    }

    /** Adds "ns:" before every key (a long prefix for keys of 20+ bytes, so LZF is exercised too). */
    static final class AddPrefix implements KeyRewriter {
        private final byte[] prefix;
        private byte[] out = new byte[64];

        AddPrefix(String prefix) {
            this.prefix = prefix.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }

        @Override
        public int rewrite(byte[] key, int offset, int length) {
            if (out.length < prefix.length + length) {
                out = new byte[prefix.length + length];
            }
            System.arraycopy(prefix, 0, out, 0, prefix.length);
            System.arraycopy(key, offset, out, prefix.length, length);
            return prefix.length + length;
        }

        @Override
        public byte[] bytes() {
            return out;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readable")
    void shouldRewriteEveryKeyAndKeepTypeExpiryLruLfuAndValueBytes(String path, RdbCorpus.Entry file) throws IOException {
        final String prefix = "namespace-of-shard-0:";
        final Map<String, List<String>> expected = new HashMap<>();
        ValueDigests.of(file.file()).forEach((key, values) -> {
            final int slash = key.indexOf('/');
            expected.put(key.substring(0, slash + 1) + java.util.HexFormat.of().formatHex(prefix.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                + key.substring(slash + 1), values);
        });
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(file.file())) {
            new RdbSplitter().split(in, List.of(new RdbWriter(buffer)), bySum(1), new KeyRewriter[] {new AddPrefix(prefix)});
        }
        assertEquals(expected, ValueDigests.of(buffer.toByteArray()), "same entries under the new keys (CRC64 checked on read)");
    }
}
