package io.redisreplica.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Crc64Test {
    @Test
    void shouldMatchRedisCheckValue() {
        // crc64.c's own test: "123456789" -> e9c6d914c4b8d9ca
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void shouldGiveSameValueWhateverTheChunking() {
        final byte[] data = new byte[10_000];
        new Random(3).nextBytes(data);
        final long whole = Crc64.of(data);
        final Crc64 bytewise = new Crc64();
        for (byte b : data) {
            bytewise.update(b);
        }
        assertEquals(whole, bytewise.value());
        final Crc64 chunked = new Crc64();
        for (int i = 0; i < data.length; i += 77) {
            chunked.update(data, i, Math.min(77, data.length - i));
        }
        assertEquals(whole, chunked.value());
    }

    @Test
    void shouldGiveTheByteAtATimeValueForRunsCutInLanesAtAnyLengthAndOffset() {
        final byte[] data = new byte[3 * Crc64.LANES_FROM + 100];
        new Random(4).nextBytes(data);
        final Random cuts = new Random(8);
        for (int i = 0; i < 300; i++) {
            final int length = i < 100 ? Crc64.LANES_FROM - 50 + i : Crc64.LANES_FROM + cuts.nextInt(2 * Crc64.LANES_FROM);
            final int offset = cuts.nextInt(data.length - length + 1);
            final Crc64 lanes = new Crc64();
            final Crc64 bytewise = new Crc64();
            lanes.update(data, 0, 13); // a run that continues a CRC, not only one that starts at 0
            bytewise.update(data, 0, 13);
            lanes.update(data, offset, length);
            for (int j = offset; j < offset + length; j++) {
                bytewise.update(data[j]);
            }
            assertEquals(bytewise.value(), lanes.value(), "length " + length + " at offset " + offset);
        }
    }

    @Test
    void shouldGiveSameValueOnAnotherThreadWhateverTheChunking() {
        final byte[] data = new byte[3_000_000]; // more blocks than the offload holds: the reader waits for them to come back
        new Random(5).nextBytes(data);
        final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            final Crc64Offload offload = new Crc64Offload(executor);
            final Random sizes = new Random(6);
            for (int i = 0; i < data.length; ) {
                final int n = Math.min(data.length - i, sizes.nextInt(400_000));
                offload.update(data, i, n);
                i += n;
            }
            assertEquals(Crc64.of(data), offload.value());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void shouldFailInsteadOfWaitingForeverWhenTheExecutorIsShutDownWithBlocksQueued() throws Exception {
        final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        executor.execute(() -> { // holds the only thread so the blocks below stay queued
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        final Crc64Offload offload = new Crc64Offload(executor);
        offload.update(new byte[300_000], 0, 300_000); // one full block handed over, queued behind the holder
        executor.shutdownNow(); // drops the queued block's task: it never runs
        release.countDown();
        final IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, offload::value);
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("shut down"), e.getMessage());
    }

    @Test
    void shouldFinishTheBlocksQueuedBeforeAGracefulShutdown() throws Exception {
        final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        executor.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        final byte[] data = new byte[256 * 1024]; // exactly one block: all of it is handed over before the shutdown
        new Random(7).nextBytes(data);
        final Crc64Offload offload = new Crc64Offload(executor);
        offload.update(data, 0, data.length); // its one block queued behind the holder
        executor.shutdown(); // graceful: what is queued still runs
        new Thread(() -> {
            try {
                Thread.sleep(300); // value() polls meanwhile, the executor shut down but not terminated
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            release.countDown();
        }).start();
        assertEquals(Crc64.of(data), offload.value());
    }

    @Test
    void shouldFailWhenTheExecutorRefusesABlock() {
        final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        executor.shutdown();
        final Crc64Offload offload = new Crc64Offload(executor);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> {
            for (int i = 0; i < 10; i++) {
                offload.update(new byte[300_000], 0, 300_000);
            }
            offload.value();
        });
    }

    @Test
    void shouldVerifyAndRefuseChecksumsWithTheCrcOnAnotherThread() throws Exception {
        final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            final RdbReaderContext context = new RdbReaderContext().checksumExecutor(executor).bufferSize(64);
            final java.nio.file.Path good = io.redisreplica.testkit.RdbCorpus.dir().resolve("librdb/test/dumps/multiple_lists_strings.rdb");
            final long[] checked = new long[2];
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(good)) {
                new RdbReader(context).read(in, new RdbVisitor() {
                    @Override
                    public void onEnd(long stored, long computed) {
                        checked[0] = stored;
                        checked[1] = computed;
                    }
                });
            }
            assertEquals(checked[0], checked[1]);
            org.junit.jupiter.api.Assertions.assertNotEquals(0, checked[0]);
            final java.nio.file.Path bad = io.redisreplica.testkit.RdbCorpus.dir().resolve("librdb/test/dumps/invalid_chksum_v8.rdb");
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(bad)) {
                final RdbFormatException e = org.junit.jupiter.api.Assertions.assertThrows(RdbFormatException.class,
                    () -> new RdbReader(context).read(in, new RdbVisitor() { }));
                org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("RDB checksum mismatch at offset 201: file says "), e.getMessage());
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
