package io.redisreplica.bench;

import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.redisreplica.rdb.RdbSplitter;
import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.rdb.SplitResult;
import io.redisreplica.router.routing.ClusterSlots;

/**
 * Splits an RDB file into N shards by equal Redis Cluster slot ranges and prints throughput and
 * the heap's peak. Run by bench/rdb-split.sh beside redis-server loading the same file.
 *
 * <p>Usage: {@code RdbSplitBench RDB OUTDIR SHARDS}
 */
public final class RdbSplitBench {
    private RdbSplitBench() {
    }

    public static void main(String[] args) throws Exception {
        final Path rdb = Path.of(args[0]);
        final Path outDir = Files.createDirectories(Path.of(args[1]));
        final int shards = Integer.parseInt(args[2]);
        final List<OutputStream> streams = new ArrayList<>();
        final List<RdbWriter> writers = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            streams.add(new BufferedOutputStream(Files.newOutputStream(outDir.resolve("shard" + i + ".rdb")), 1 << 20));
            writers.add(new RdbWriter(streams.get(i)));
        }
        final int slotsPerShard = (ClusterSlots.SLOTS + shards - 1) / shards;
        final long start = System.nanoTime();
        final SplitResult result;
        try (InputStream in = Files.newInputStream(rdb)) {
            result = new RdbSplitter().split(in, writers, (db, key, len) -> ClusterSlots.slot(key, 0, len) / slotsPerShard);
        }
        for (OutputStream s : streams) {
            s.close();
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("split %s: %d bytes, %d keys into %d shards in %.3f s: %.1f MB/s, %.0f keys/s, peak heap %.1f MB (max %d MB)%n",
            rdb, result.bytesRead(), result.totalKeys(), shards, seconds, result.bytesRead() / 1e6 / seconds,
            result.totalKeys() / seconds, peakHeap / 1e6, Runtime.getRuntime().maxMemory() / (1024 * 1024));
        for (int i = 0; i < shards; i++) {
            System.out.printf("  shard %d: %d keys, %d bytes%n", i, result.keysPerShard()[i], result.bytesPerShard()[i]);
        }
    }
}
