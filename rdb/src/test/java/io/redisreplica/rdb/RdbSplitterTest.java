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

    /** Each db's RESIZEDB sizes ({keys, expires}; a db in several sections may have several), and the dbs it selects. */
    private static Map<Long, java.util.Set<List<Long>>> resizes(InputStream in, java.util.Set<Long> selected) {
        final Map<Long, java.util.Set<List<Long>>> sizes = new HashMap<>();
        new RdbReader().read(in, new RdbVisitor() {
            @Override
            public void onSelectDb(long db) {
                selected.add(db);
            }

            @Override
            public void onResizeDb(long db, long dbSize, long expiresSize) {
                sizes.computeIfAbsent(db, d -> new java.util.HashSet<>()).add(List.of(dbSize, expiresSize));
            }
        });
        return sizes;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readable")
    void shouldGiveEachShardAnEvenShareOfTheInputsResizeDbForEveryDbItSelects(String path, RdbCorpus.Entry file) throws IOException {
        final Map<Long, java.util.Set<List<Long>>> input;
        try (InputStream in = Files.newInputStream(file.file())) {
            input = resizes(in, new java.util.HashSet<>());
        }
        final List<byte[]> outputs = splitInto(file, 0, null);
        for (int i = 0; i < outputs.size(); i++) {
            final java.util.Set<Long> selected = new java.util.HashSet<>();
            final Map<Long, java.util.Set<List<Long>>> output = resizes(new java.io.ByteArrayInputStream(outputs.get(i)), selected);
            for (long db : selected) {
                final String where = path + ": shard " + i + " db " + db;
                if (!input.containsKey(db)) {
                    assertEquals(null, output.get(db), where + ": no RESIZEDB where the input had none");
                    continue;
                }
                // Redis sizes its tables from it before the db's keys arrive: a third of one of the input's, rounded up
                final java.util.Set<List<Long>> shares = new java.util.HashSet<>();
                for (List<Long> in : input.get(db)) {
                    shares.add(List.of((in.get(0) + 2) / 3, (in.get(1) + 2) / 3));
                }
                assertTrue(output.containsKey(db), where + ": a RESIZEDB");
                assertTrue(shares.containsAll(output.get(db)), where + ": " + output.get(db) + " among " + shares);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readable")
    void shouldWriteTheSameShardBytesThroughBufferedWritersOfAnySize(String path, RdbCorpus.Entry file) throws IOException {
        final List<byte[]> unbuffered = splitInto(file, 0, null);
        final java.util.concurrent.ExecutorService behind = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            for (int bufferSize : new int[] {64, 100, 4096, 1 << 20}) {
                for (java.util.concurrent.Executor executor : new java.util.concurrent.Executor[] {null, behind}) {
                    final List<byte[]> buffered = splitInto(file, bufferSize, executor);
                    for (int i = 0; i < unbuffered.size(); i++) {
                        org.junit.jupiter.api.Assertions.assertArrayEquals(unbuffered.get(i), buffered.get(i),
                            "shard " + i + ", buffer " + bufferSize + (executor == null ? "" : ", written behind"));
                    }
                }
            }
        } finally {
            behind.shutdownNow();
        }
    }

    /**
     * An entry's head stays in the read buffer until its shard is known, and moves to an array of
     * its own when it outgrows half the buffer: read buffers of 64 bytes on (keys and records
     * longer than the buffer, heads across refills) give the same shards as the default one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("readable")
    void shouldWriteTheSameShardBytesThroughReadBuffersOfAnySize(String path, RdbCorpus.Entry file) throws IOException {
        final List<byte[]> reference = splitInto(file, 0, null);
        for (int readBuffer : new int[] {64, 100, 4096}) {
            final List<ByteArrayOutputStream> buffers = new ArrayList<>();
            final List<RdbWriter> writers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                buffers.add(new ByteArrayOutputStream());
                writers.add(new RdbWriter(buffers.get(i)));
            }
            try (InputStream in = Files.newInputStream(file.file())) {
                new RdbSplitter(new RdbReaderContext().bufferSize(readBuffer)).split(in, writers, bySum(3));
            }
            for (int i = 0; i < 3; i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(reference.get(i), buffers.get(i).toByteArray(),
                    "shard " + i + ", read buffer " + readBuffer);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void shouldFailTheSplitWithTheWriteErrorOfAShardWrittenBehind() throws IOException {
        final java.nio.file.Path rdb = RdbCorpus.dir().resolve("redis-rdb-tools/tests/dumps/dictionary.rdb");
        final java.util.concurrent.ExecutorService behind = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (InputStream in = Files.newInputStream(rdb)) {
            final java.io.OutputStream full = new java.io.OutputStream() { // a disk that fills after 10 000 bytes
                private long written;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (written + len > 10_000) {
                        throw new IOException("No space left on device");
                    }
                    written += len;
                }
            };
            final java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> new RdbSplitter().split(in, List.of(new RdbWriter(full, 4096, behind)), bySum(1)));
            assertEquals("writing RDB at offset 8192: No space left on device", e.getMessage());
        } finally {
            behind.shutdownNow();
        }
    }

    private static List<byte[]> splitInto(RdbCorpus.Entry file, int bufferSize, java.util.concurrent.Executor executor) throws IOException {
        final List<ByteArrayOutputStream> buffers = new ArrayList<>();
        final List<RdbWriter> writers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            buffers.add(new ByteArrayOutputStream());
            writers.add(bufferSize == 0 ? new RdbWriter(buffers.get(i)) : new RdbWriter(buffers.get(i), bufferSize, executor));
        }
        try (InputStream in = Files.newInputStream(file.file())) {
            new RdbSplitter().split(in, writers, bySum(3));
        }
        final List<byte[]> out = new ArrayList<>();
        for (ByteArrayOutputStream b : buffers) {
            out.add(b.toByteArray());
        }
        return out;
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

    /** Every collection element reversed, byte by byte; strings kept. */
    static final class ReverseElements implements EntryRules {
        @Override
        public boolean keeps(int rdbType) {
            return true;
        }

        @Override
        public boolean decodesStrings() {
            return false;
        }

        @Override
        public byte[] stringValue(long db, byte[] key, int keyLength, byte[] value) {
            return value;
        }

        @Override
        public boolean decodesElements() {
            return true;
        }

        @Override
        public byte[] element(long db, byte[] key, int keyLength, String type, byte[] field, byte[] element) {
            return reverse(element);
        }
    }

    static byte[] reverse(byte[] b) {
        final byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[b.length - 1 - i];
        }
        return out;
    }

    /** Per key, its type and its elements as text (list order kept; sets, zsets and hashes sorted), with {@code map} applied. */
    static Map<String, String> collections(byte[] rdb, java.util.function.UnaryOperator<byte[]> map) {
        final Map<String, List<String>> items = new java.util.TreeMap<>();
        final Map<String, String> types = new HashMap<>();
        new RdbReader().read(new java.io.ByteArrayInputStream(rdb), new RdbVisitor() {
            @Override
            public RdbValueVisitor onValue(RdbEntry entry) {
                final String name = entry.db() + "/" + java.util.HexFormat.of().formatHex(entry.key(), 0, entry.keyLength());
                types.put(name, RdbConstants.dataType(entry.type()));
                final List<String> list = items.computeIfAbsent(name, k -> new ArrayList<>());
                return new RdbValueVisitor() {
                    @Override
                    public void onListItem(RdbEntry e, byte[] item) {
                        list.add(java.util.HexFormat.of().formatHex(map.apply(item)));
                    }

                    @Override
                    public void onSetMember(RdbEntry e, byte[] member) {
                        list.add(java.util.HexFormat.of().formatHex(map.apply(member)));
                    }

                    @Override
                    public void onZsetMember(RdbEntry e, byte[] member, double score) {
                        list.add(java.util.HexFormat.of().formatHex(map.apply(member)) + "=" + score);
                    }

                    @Override
                    public void onHashField(RdbEntry e, byte[] field, byte[] value, long expireAtMs) {
                        list.add(java.util.HexFormat.of().formatHex(field) + "=" + java.util.HexFormat.of().formatHex(map.apply(value))
                            + "@" + expireAtMs);
                    }
                };
            }
        });
        final Map<String, String> out = new java.util.TreeMap<>();
        items.forEach((k, v) -> {
            final String type = types.get(k);
            if (!type.equals("list")) {
                java.util.Collections.sort(v);
            }
            out.put(k, type + " " + v);
        });
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readable")
    void shouldRewriteEveryCollectionElementAndWriteAFileRedisCanReadBack(String path, RdbCorpus.Entry file) throws IOException {
        final byte[] input = Files.readAllBytes(file.file());
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        if (RdbCorpusTest.CORRUPT_BLOBS.containsKey(path)) { // elements must be decoded: a corrupt blob is refused, clearly
            final RdbFormatException e = org.junit.jupiter.api.Assertions.assertThrows(RdbFormatException.class, () -> new RdbSplitter()
                .split(new java.io.ByteArrayInputStream(input), List.of(new RdbWriter(buffer)), bySum(1), null, new ReverseElements()));
            assertTrue(e.getMessage().startsWith(RdbCorpusTest.CORRUPT_BLOBS.get(path)), e.getMessage());
            return;
        }
        new RdbSplitter().split(new java.io.ByteArrayInputStream(input), List.of(new RdbWriter(buffer)), bySum(1), null, new ReverseElements());
        final Map<String, String> expected = new java.util.TreeMap<>();
        collections(input, RdbSplitterTest::reverse).forEach((key, value) -> {
            if (!value.endsWith(" []")) { // a collection left empty is no key, as Redis has it
                expected.put(key, value);
            }
        });
        final Map<String, String> got = collections(buffer.toByteArray(), b -> b);
        for (Map.Entry<String, String> e : collections(input, b -> b).entrySet()) {
            // hashes with field expiries keep their encoding and values; streams, modules and strings pass as they are
            if (e.getValue().startsWith("hash") && e.getValue().matches(".*@[0-9]{2,}.*")) {
                expected.put(e.getKey(), e.getValue()); // field expiry: passed unchanged
            }
            if (e.getValue().startsWith("stream") || e.getValue().startsWith("module") || e.getValue().startsWith("string")) {
                expected.put(e.getKey(), e.getValue());
            }
        }
        assertEquals(expected, got);
    }
}
