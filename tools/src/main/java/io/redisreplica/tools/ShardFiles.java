package io.redisreplica.tools;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * One RDB per shard of the config's map, keys rewritten by its {@code rewrite} rules, values
     * kept, dropped or transformed by its {@code drop} and {@code transform} rules.
     *
     * @param progress called with the input offset now and then; null for none
     */
    static SplitResult split(Path rdb, Path dir, RouterConfig config, LongConsumer progress) throws IOException {
        final ShardMap map = config.shardMap();
        Files.createDirectories(dir);
        final List<OutputStream> streams = new ArrayList<>();
        final List<RdbWriter> writers = new ArrayList<>();
        try {
            for (ShardMap.Shard shard : map.shards()) {
                streams.add(new BufferedOutputStream(Files.newOutputStream(fileOf(dir, shard)), 1 << 20));
                writers.add(new RdbWriter(streams.get(streams.size() - 1)));
            }
            final RdbSplitter splitter = new RdbSplitter();
            if (progress != null) {
                splitter.progress(16L << 20, progress);
            }
            try (InputStream in = Files.newInputStream(rdb)) {
                return splitter.split(in, writers, (db, key, len) -> map.shardOf(key, 0, len), config.keyRewriters(),
                    Plugins.openValueRules(config));
            }
        } finally {
            for (OutputStream s : streams) {
                s.close();
            }
        }
    }
}
