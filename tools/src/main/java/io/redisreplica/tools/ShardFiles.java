package io.redisreplica.tools;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

import io.redisreplica.rdb.RdbSplitter;
import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.rdb.SplitResult;
import io.redisreplica.router.config.Plugins;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.ShardMap;

/** Splits an RDB file into {@code DIR/<shard>.rdb}, one per shard of a shard map. */
final class ShardFiles {
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
     * One RDB per shard of the config's map, keys rewritten by its {@code rewrite} rules, values
     * kept, dropped or transformed by its {@code drop} and {@code transform} rules, without the
     * master's {@code repl-id} and {@code repl-offset} AUX fields. Each is written under a temp
     * name in {@code dir} and renamed to {@code <shard>.rdb} only once every shard file is
     * complete: a corrupt input or a failure leaves no shard file, and no earlier one is touched.
     *
     * @param progress called with the input offset now and then; null for none
     */
    static SplitResult split(Path rdb, Path dir, RouterConfig config, LongConsumer progress) throws IOException {
        final ShardMap map = config.shardMap();
        Files.createDirectories(dir);
        final List<Path> temps = new ArrayList<>();
        final List<OutputStream> streams = new ArrayList<>();
        boolean done = false;
        try {
            final List<RdbWriter> writers = new ArrayList<>();
            for (ShardMap.Shard shard : map.shards()) {
                temps.add(Files.createTempFile(dir, "." + shard.name() + ".rdb.", ".partial"));
                streams.add(new BufferedOutputStream(Files.newOutputStream(temps.get(temps.size() - 1)), 1 << 20));
                writers.add(new RdbWriter(streams.get(streams.size() - 1)));
            }
            final RdbSplitter splitter = new RdbSplitter().dropAux("repl-id", "repl-offset");
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
            if (!done) {
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
