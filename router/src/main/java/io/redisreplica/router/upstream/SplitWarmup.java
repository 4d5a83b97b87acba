package io.redisreplica.router.upstream;

import static io.redisreplica.rdb.RdbConstants.TYPE_HASH;
import static io.redisreplica.rdb.RdbConstants.TYPE_SET;
import static io.redisreplica.rdb.RdbConstants.TYPE_ZSET_2;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.rdb.RdbSplitter;
import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.router.routing.ShardMap;

/**
 * Compiles the split's code while the master makes its RDB (issue 18). A full sync's transfer
 * starts only once the master's BGSAVE has written its file (or after its diskless delay); until
 * then the link waits on a socket that sends nothing but newlines. The first full sync of a JVM
 * otherwise splits its first hundreds of megabytes through the interpreter and the JIT's first
 * tiers: at 500 k keys the router's transfer ended 0.4-0.6 s after a direct replica's, its JVM
 * spending 0.7-1.2 s of CPU compiling meanwhile.
 *
 * <p>So on the first full sync of the JVM this splits a small RDB made here (strings plain, LZF
 * and integer-encoded, with and without expiry, in two dbs; plain hashes, sets and sorted sets)
 * through the same {@link RdbSplitter}, {@link RdbWriter}s and {@link ShardMap} as the real one,
 * into streams that discard what they get, a few times over, on a thread of its own. The real
 * split's first key {@linkplain #cancel() cancels} it: from then on the machine's cores are the
 * transfer's. It keeps nothing and writes nothing anywhere; a few MB while it runs.
 */
final class SplitWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(SplitWarmup.class);
    /** Entries of the RDB made here: enough that each pass crosses the JIT's thresholds of the per-key path. */
    static final int ENTRIES = 20_000;
    /** Passes over it: the later ones run the code the earlier ones had compiled, and compile its hottest parts further. */
    static final int PASSES = 4;
    /** Once per JVM: compiled code outlives the sync that compiled it. */
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    private static final Cancelled CANCELLED = new Cancelled();

    private final ShardMap shardMap;
    private final int shards;
    private final Thread thread;
    private volatile boolean cancelled;
    private volatile long entriesSplit;

    SplitWarmup(ShardMap shardMap, int shards) {
        this.shardMap = shardMap;
        this.shards = shards;
        this.thread = new Thread(this::run, "split-warmup");
        thread.setDaemon(true);
    }

    /** Starts one unless this JVM started one before; null then. */
    static SplitWarmup startOnce(ShardMap shardMap, int shards) {
        if (!STARTED.compareAndSet(false, true)) {
            return null;
        }
        final SplitWarmup warmup = new SplitWarmup(shardMap, shards);
        warmup.start();
        return warmup;
    }

    void start() {
        thread.start();
    }

    /** Stops it at its next key; it never delays the caller. */
    void cancel() {
        cancelled = true;
    }

    /** Waits for its thread to end (tests). */
    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    boolean alive() {
        return thread.isAlive();
    }

    /** Entries it routed to a shard, over all passes so far. */
    long entriesSplit() {
        return entriesSplit;
    }

    private void run() {
        final long start = System.nanoTime();
        int passes = 0;
        try {
            final byte[] rdb = rdb();
            for (; passes < PASSES && !cancelled; passes++) {
                final List<RdbWriter> writers = new ArrayList<>(shards);
                for (int i = 0; i < shards; i++) {
                    // as FullSync writes a shard's file: an unbuffered writer over a buffered stream
                    writers.add(new RdbWriter(new BufferedOutputStream(OutputStream.nullOutputStream(), 256 << 10)));
                }
                new RdbSplitter().split(new ByteArrayInputStream(rdb), writers, (db, key, len) -> {
                    if (cancelled) {
                        throw CANCELLED;
                    }
                    entriesSplit++; // this thread's only
                    return shardMap.shardOf(key, 0, len);
                });
            }
        } catch (Cancelled e) {
            // the real split has begun
        } catch (RuntimeException e) {
            // a bug here costs the first sync its warm start, never the sync itself
            LOG.warn("full sync: warming up the split failed ({}): the first split runs cold", e.toString());
            return;
        }
        LOG.debug("full sync: split warm-up {} after {} passes, {} entries, {} ms", cancelled ? "cancelled" : "done", passes,
            entriesSplit, (System.nanoTime() - start) / 1_000_000);
    }

    /** The RDB split here: what a master's holds most (strings), and each plain collection once in a while. */
    static byte[] rdb() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(2 << 20);
        final RdbWriter w = new RdbWriter(bytes);
        w.header(9);
        final byte[] value = new byte[120];
        for (int i = 0; i < ENTRIES; i++) {
            if (i == ENTRIES / 2) {
                w.selectDb(1);
            } else if (i == 0) {
                w.selectDb(0);
            }
            final byte[] key = ("key:" + i + (i % 3 == 0 ? ":{user" + (i % 97) + "}" : "")).getBytes(StandardCharsets.US_ASCII);
            switch (i % 16) {
                case 6 -> collection(w, TYPE_HASH, key, i, 4, 2);
                case 7 -> collection(w, TYPE_SET, key, i, 4, 1);
                case 14 -> collection(w, TYPE_ZSET_2, key, i, 3, 1);
                default -> {
                    final int length = 8 + i % 113;
                    for (int j = 0; j < length; j++) {
                        // compressible (as DEBUG POPULATE's padded values: LZF) on odd keys, not on even ones
                        value[j] = (byte) (i % 2 == 1 ? (j < 12 ? '0' + (i + j) % 10 : 0) : 'a' + (i * 31 + j * 7) % 26);
                    }
                    final byte[] v = i % 5 == 0 ? Integer.toString(i * 1000).getBytes(StandardCharsets.US_ASCII)
                        : java.util.Arrays.copyOf(value, length);
                    w.stringEntry(key, v, i % 4 == 0 ? 4_102_444_800_000L + i : -1);
                }
            }
        }
        w.finish();
        return bytes.toByteArray();
    }

    private static void collection(RdbWriter w, int type, byte[] key, int i, int elements, int stringsPerElement) {
        final byte[] typeByte = {(byte) type};
        w.write(typeByte, 0, 1);
        w.writeString(key, 0, key.length);
        w.writeLength(elements);
        for (int e = 0; e < elements; e++) {
            for (int s = 0; s < stringsPerElement; s++) {
                final byte[] element = ("e" + e + "-" + s + "-" + i).getBytes(StandardCharsets.US_ASCII);
                w.writeString(element, 0, element.length);
            }
            if (type == TYPE_ZSET_2) {
                w.writeBinaryDouble(e * 1.5 + i);
            }
        }
    }
}
