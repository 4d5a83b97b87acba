package io.redisreplica.router.sinks.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key index against a model (a HashMap of the same keys): growth, deletion by backward shift, files that outlive it. */
class KeyIndexTest {
    @TempDir
    Path dir;

    private static long hash(KeyIndex index, String key) {
        final byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return index.hash(new UnsafeBuffer(b), 0, b.length);
    }

    @Test
    void shouldAgreeWithAModelThroughGrowthAndRemovalsAndAfterReopening() {
        final Map<String, Long> model = new HashMap<>();
        final Random random = new Random(17);
        try (KeyIndex index = KeyIndex.open(dir)) {
            for (int i = 0; i < 200_000; i++) {
                final String key = "k" + random.nextInt(50_000);
                if (random.nextInt(3) == 0) {
                    final Long before = model.remove(key);
                    assertEquals(before == null ? -1 : before, index.remove(0, hash(index, key)), key);
                } else {
                    final long meta = KeyMeta.of(1 + random.nextInt(6), random.nextInt(2) == 0 ? 0 : 1_700_000_000_000L + i, false);
                    model.put(key, meta);
                    index.put(0, hash(index, key), meta);
                }
            }
            assertEquals(model.size(), index.keys());
            index.stamp(1234, 7);
        }
        try (KeyIndex index = KeyIndex.open(dir)) {
            assertEquals(1234, index.offset());
            assertEquals(7, index.epoch());
            assertEquals(model.size(), index.keys());
            for (int i = 0; i < 50_000; i++) {
                final Long m = model.get("k" + i);
                assertEquals(m == null ? -1 : m, index.get(0, hash(index, "k" + i)), "k" + i);
            }
        }
    }

    @Test
    void shouldKeepDatabasesApartFlushOneAndSwapTwo() {
        try (KeyIndex index = KeyIndex.open(dir)) {
            final long a = hash(index, "a");
            index.put(0, a, KeyMeta.of(KeyMeta.STRING, 0, false));
            index.put(1, a, KeyMeta.of(KeyMeta.HASH, 0, false));
            index.swap(0, 1);
            assertEquals(KeyMeta.HASH, KeyMeta.type(index.get(0, a)));
            assertEquals(KeyMeta.STRING, KeyMeta.type(index.get(1, a)));
            index.flush(1);
            assertEquals(-1, index.get(1, a));
            assertEquals(KeyMeta.HASH, KeyMeta.type(index.get(0, a)));
            index.flushAll();
            assertEquals(0, index.keys());
        }
    }

    @Test
    void shouldMarkItselfChangedUntilStampedAndPickANewSeedPerIndex() {
        final long seed;
        try (KeyIndex index = KeyIndex.open(dir.resolve("one"))) {
            index.stamp(10, 1);
            index.dirty();
            assertEquals(-1, index.offset(), "changed past its stamp");
            seed = hash(index, "same key");
        }
        try (KeyIndex other = KeyIndex.open(dir.resolve("two"))) {
            assertNotEquals(seed, hash(other, "same key"), "each index hashes with its own seed");
        }
    }

    @Test
    void shouldMakeAnIndexWithATableCutShortAnewInsteadOfFailing() throws Exception {
        try (KeyIndex index = KeyIndex.open(dir)) {
            index.put(0, 12345L, KeyMeta.of(KeyMeta.STRING, 0, false));
            index.stamp(77, 3);
        }
        final java.nio.file.Path table = dir.resolve("db-0.keys");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(table.toFile(), "rw")) {
            f.setLength(5); // an OS crash, or a disk that filled while the table grew
        }
        try (KeyIndex index = KeyIndex.open(dir)) {
            assertEquals(-1, index.offset(), "made anew: the keeper rebuilds it from the snapshot and the journal");
            assertEquals(0, index.keys());
        }
    }

    @Test
    void shouldPackTypeExpiryAndMaybeGoneInOneLong() {
        final long meta = KeyMeta.of(KeyMeta.STREAM, 4_102_444_800_000L, true); // 2100-01-01
        assertEquals(KeyMeta.STREAM, KeyMeta.type(meta));
        assertEquals(4_102_444_800_000L, KeyMeta.expireAtMs(meta));
        assertTrue(KeyMeta.maybeGone(meta));
        assertEquals("stream", KeyMeta.typeName(KeyMeta.type(meta)));
        assertTrue(meta >= 0, "-1 means absent");
    }

    @Test
    void shouldHashAsTheXxHash64ReferenceDoes() {
        // XXH64("", 0) and XXH64("abc", 0) from the reference implementation
        assertEquals(0xEF46DB3751D8E999L, KeyHash.of(0, new UnsafeBuffer(new byte[0]), 0, 0));
        assertEquals(0x44BC2CF5AD770999L, KeyHash.of(0, new UnsafeBuffer("abc".getBytes(StandardCharsets.US_ASCII)), 0, 3));
        final byte[] longer = "Nobody inspects the spammish repetition".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xFBCEA83C8A378BF1L, KeyHash.of(0, new UnsafeBuffer(longer), 0, longer.length));
    }

    @Test
    void shouldRollBackToItsLastStampExactlyOrSayItCannot() {
        try (KeyIndex index = KeyIndex.open(dir)) {
            assertFalse(index.rollBack(), "never stamped: nothing to go back to");
            for (int i = 0; i < 1000; i++) {
                index.put(0, hash(index, "k" + i), KeyMeta.of(KeyMeta.STRING, i, false));
            }
            index.stamp(500, 1);
            final Random random = new Random(3);
            index.dirty();
            for (int i = 0; i < 5000; i++) {
                final String key = "k" + random.nextInt(2000);
                if (random.nextBoolean()) {
                    index.remove(0, hash(index, key));
                } else {
                    index.put(random.nextInt(2), hash(index, key), KeyMeta.of(KeyMeta.HASH, 0, true));
                }
            }
            assertTrue(index.rollBack());
            assertEquals(500, index.offset());
            assertEquals(1000, index.keys(), "db 1's keys gone again");
            for (int i = 0; i < 2000; i++) {
                assertEquals(i < 1000 ? KeyMeta.of(KeyMeta.STRING, i, false) : -1, index.get(0, hash(index, "k" + i)), "k" + i);
            }
            index.dirty();
            index.flush(1);
            assertFalse(index.rollBack(), "a flush is not undone: the index is rebuilt");
        }
    }
}
