package io.redisreplica.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.redisreplica.rdb.RdbReaderContext;
import io.redisreplica.rdb.RdbSplitter;
import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.rdb.SplitResult;
import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.routing.SlotMatcher;

/**
 * Splits an RDB file into N shards by equal Redis Cluster slot ranges (a {@link ShardMap} of
 * {@code slots=} shards, as {@code rdb split} makes from a config) and prints throughput, each
 * thread's CPU and the heap's peak. Run by bench/rdb-split.sh beside redis-server loading the same file.
 *
 * <p>Usage: {@code RdbSplitBench RDB OUTDIR SHARDS}. As {@code rdb split} does, the shards' writes
 * and CRCs and the input's CRC run on a second thread; {@code -Dsplit.writeBehind=false} keeps the
 * shards' on the reading thread, {@code -Dsplit.inputCrc=reader} (or {@code own}: a third thread)
 * the input's.
 */
public final class RdbSplitBench {
    private RdbSplitBench() {
    }

    public static void main(String[] args) throws Exception {
        final Path rdb = Path.of(args[0]);
        final Path outDir = Files.createDirectories(Path.of(args[1]));
        final int shards = Integer.parseInt(args[2]);
        final boolean writeBehind = Boolean.parseBoolean(System.getProperty("split.writeBehind", "true"));
        final String inputCrc = System.getProperty("split.inputCrc", "writes");
        final ExecutorService writes = writeBehind || inputCrc.equals("writes") ? Executors.newSingleThreadExecutor() : null;
        final ExecutorService crc = switch (inputCrc) {
            case "writes" -> writes;
            case "own" -> Executors.newSingleThreadExecutor();
            default -> null;
        };
        final List<OutputStream> streams = new ArrayList<>();
        final List<RdbWriter> writers = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            streams.add(Files.newOutputStream(outDir.resolve("shard" + i + ".rdb")));
            writers.add(new RdbWriter(streams.get(i), 1 << 20, writeBehind ? writes : null));
        }
        // equal slot ranges, in a ShardMap as `rdb split` builds from a config's slots= shards
        final int slotsPerShard = (ClusterSlots.SLOTS + shards - 1) / shards;
        final List<ShardMap.Shard> slotShards = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            final int first = i * slotsPerShard;
            final int last = Math.min(ClusterSlots.SLOTS, first + slotsPerShard) - 1;
            final BitSet slots = new BitSet(ClusterSlots.SLOTS);
            slots.set(first, last + 1);
            slotShards.add(new ShardMap.Shard(i, "s" + i, "127.0.0.1", 7001 + i, new SlotMatcher(slots, first + "-" + last)));
        }
        final ShardMap map = new ShardMap(slotShards, -1);
        final long start = System.nanoTime();
        final SplitResult result;
        try (InputStream in = Files.newInputStream(rdb)) {
            result = new RdbSplitter(new RdbReaderContext().checksumExecutor(crc).bufferSize(1 << 20))
                .split(in, writers, (db, key, len) -> map.shardOf(key, 0, len));
        }
        for (OutputStream s : streams) {
            s.close();
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        // the splitting thread's own CPU: on a machine shared with other work, steadier than the wall time
        final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final double cpu = threads.getCurrentThreadCpuTime() / 1e9;
        final double user = threads.getCurrentThreadUserTime() / 1e9; // the rest is the kernel's: read(2) of the input
        final double[] others = {0, 0};
        final long reader = Thread.currentThread().getId();
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("pool-") && t.getId() != reader)
            .forEach(t -> {
                others[0] += threads.getThreadCpuTime(t.getId()) / 1e9;
                others[1] += threads.getThreadUserTime(t.getId()) / 1e9;
            });
        if (writes != null) {
            writes.shutdown();
        }
        if (crc != null) {
            crc.shutdown(); // the same executor as writes, or its own
        }
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("split %s: %d bytes, %d keys into %d shards in %.3f s (cpu: reading thread %.3f s (%.3f user), others %.3f s (%.3f user); "
                + "write-behind %s, input crc: %s): %.1f MB/s, %.0f keys/s, peak heap %.1f MB (max %d MB)%n",
            rdb, result.bytesRead(), result.totalKeys(), shards, seconds, cpu, user, others[0], others[1], writeBehind, inputCrc,
            result.bytesRead() / 1e6 / seconds, result.totalKeys() / seconds, peakHeap / 1e6, Runtime.getRuntime().maxMemory() / (1024 * 1024));
        for (int i = 0; i < shards; i++) {
            System.out.printf("  shard %d: %d keys, %d bytes%n", i, result.keysPerShard()[i], result.bytesPerShard()[i]);
        }
    }
}
