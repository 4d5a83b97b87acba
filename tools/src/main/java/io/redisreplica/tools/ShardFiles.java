package io.redisreplica.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import io.redisreplica.rdb.RdbReaderContext;
import io.redisreplica.rdb.RdbSplitter;
import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.rdb.SplitResult;
import io.redisreplica.router.config.Plugins;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.ShardMap;

/** Splits an RDB file into {@code DIR/<shard>.rdb}, one per shard of a shard map. */
final class ShardFiles {
    /** rw------- where the file system has POSIX permissions; null elsewhere (the platform's default). */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
            ? PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) : null;

    private ShardFiles() {
    }

    static Path fileOf(Path dir, ShardMap.Shard shard) {
        return dir.resolve(shard.name() + ".rdb");
    }

    /** The shard files of {@code map} that already exist in {@code dir}. */
    static List<Path> existing(Path dir, ShardMap map) {
        final List<Path> found = new ArrayList<>();
        for (ShardMap.Shard shard : map.shards()) {
            if (Files.exists(fileOf(dir, shard))) {
                found.add(fileOf(dir, shard));
            }
        }
        return found;
    }

    /**
     * Each shard's write buffer: 1 MB, less when there are many shards (16 MB in all, 64 KB each at
     * least); a shard writer holds up to 3 of them (one filling, two being written).
     */
    static int writeBuffer(int shards) {
        return Math.max(64 << 10, Math.min(1 << 20, (16 << 20) / Math.max(1, shards)));
    }

    /**
     * A new {@code .<shard>.rdb.<token>.partial} in {@code dir}, added to {@code temps}. Not
     * Files.createTempFile: its SecureRandom costs 40-80 ms at the first call of a JVM, a twentieth
     * of a 64 MB split through the launcher. The token is the clock's; CREATE_NEW makes the name
     * ours alone (another one is tried if a split running beside this one, or left by a crash, has it).
     */
    private static OutputStream createTemp(Path dir, ShardMap.Shard shard, List<Path> temps) throws IOException {
        while (true) {
            final Path temp = dir.resolve("." + shard.name() + ".rdb." + Long.toHexString(System.nanoTime()) + ".partial");
            try {
                // owner-only, as createTempFile made them: the shards hold the dataset (the rename keeps the mode);
                // createFile fails when the name exists, as CREATE_NEW does
                if (OWNER_ONLY == null) {
                    Files.createFile(temp);
                } else {
                    Files.createFile(temp, OWNER_ONLY);
                }
                final OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE);
                temps.add(temp);
                return out;
            } catch (FileAlreadyExistsException e) {
                // taken: the next nanoTime differs
            }
        }
    }

    private static void awaitWrites(ExecutorService writes) {
        try {
            writes.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One RDB per shard of the config's map, keys rewritten by its {@code rewrite} rules, values
     * kept, dropped or transformed by its {@code drop} and {@code transform} rules, without the
     * master's {@code repl-id} and {@code repl-offset} AUX fields. Each is written under a temp
     * name in {@code dir} and renamed to {@code <shard>.rdb} only once every shard file is
     * complete: a corrupt input or a failure leaves no shard file, and no earlier one is touched.
     * The shards' CRCs and writes, and the input's CRC, run on a second thread while this one reads.
     *
     * @param progress called with the input offset now and then; null for none
     */
    static SplitResult split(Path rdb, Path dir, RouterConfig config, LongConsumer progress) throws IOException {
        final ShardMap map = config.shardMap();
        Files.createDirectories(dir);
        final List<Path> temps = new ArrayList<>();
        final List<OutputStream> streams = new ArrayList<>();
        final ExecutorService writes = Executors.newSingleThreadExecutor(task -> {
            final Thread t = new Thread(task, "rdb-split-writes");
            t.setDaemon(true);
            return t;
        });
        boolean done = false;
        try {
            final List<RdbWriter> writers = new ArrayList<>();
            final int buffer = writeBuffer(map.shards().size());
            for (ShardMap.Shard shard : map.shards()) {
                streams.add(createTemp(dir, shard, temps));
                writers.add(new RdbWriter(streams.get(streams.size() - 1), buffer, writes)); // one write per buffer, on the other thread
            }
            // the input's CRC on the writes' thread too: the reader then only parses and copies (1 MB reads)
            final RdbSplitter splitter = new RdbSplitter(new RdbReaderContext().bufferSize(1 << 20).checksumExecutor(writes))
                .dropAux("repl-id", "repl-offset");
            if (progress != null) {
                splitter.progress(16L << 20, progress);
            }
            final SplitResult result;
            try (InputStream in = Files.newInputStream(rdb)) {
                result = splitter.split(in, writers, (db, key, len) -> map.shardOf(key, 0, len), config.keyRewriters(),
                    Plugins.openValueRules(config));
            }
            for (OutputStream s : streams) {
                s.close(); // its last bytes reach the file before the rename
            }
            for (int i = 0; i < temps.size(); i++) {
                Files.move(temps.get(i), fileOf(dir, map.shards().get(i)), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            }
            done = true;
            return result;
        } finally {
            writes.shutdownNow();
            if (!done) {
                awaitWrites(writes); // a write still running must not meet its stream closed below
                for (OutputStream s : streams) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // the split's own error is the one to report; the file goes below
                    }
                }
                for (Path t : temps) {
                    Files.deleteIfExists(t);
                }
            }
        }
    }
}
