package io.redisreplica.router.upstream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.rdb.KeyRewriter;
import io.redisreplica.rdb.RdbSplitter;
import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.routing.ValueRules;
import io.redisreplica.router.shard.ShardRuntime;

/**
 * A full sync's RDB transfer, split as it arrives into one new snapshot per shard
 * ({@code SHARD.rdb.tmp} beside the snapshots). The new snapshots replace the old ones only once
 * all are complete; a failed transfer deletes its temporary files (a half-written snapshot is of
 * no use, and may be what filled the disk) and says where and how much room there was.
 */
final class FullSync {
    private static final Logger LOG = LoggerFactory.getLogger(FullSync.class);
    private static final int FILE_BUFFER = 1 << 20;

    private final ShardMap shardMap;
    private final List<ShardRuntime> shards;
    private final Path snapshotDir;
    private final UpstreamPosition position;
    private final KeyRewriter[] rewriters;
    private final ValueRules valueRules;
    /** Bytes of RDB read in the current or last full sync, for INFO. */
    private volatile long bytes;

    /** @param rewriters and {@code valueRules} the same ones the command stream uses (either may be null) */
    FullSync(ShardMap shardMap, List<ShardRuntime> shards, Path snapshotDir, UpstreamPosition position, KeyRewriter[] rewriters,
             ValueRules valueRules) {
        this.shardMap = shardMap;
        this.shards = shards;
        this.snapshotDir = snapshotDir;
        this.position = position;
        this.rewriters = rewriters;
        this.valueRules = valueRules;
    }

    long bytes() {
        return bytes;
    }

    /**
     * Reads the RDB transfer from {@code in}, writes every shard's new snapshot and gives each shard a
     * new epoch; returns the split, whose {@code commands()} is where the command stream continues.
     */
    RdbSplitter.TransferSplit transfer(InputStream in) throws IOException {
        Files.createDirectories(snapshotDir);
        bytes = 0;
        final List<OutputStream> files = new ArrayList<>();
        final List<RdbWriter> writers = new ArrayList<>();
        final List<Path> temps = new ArrayList<>();
        final RdbSplitter.TransferSplit split;
        try {
            for (ShardRuntime shard : shards) {
                final Path temp = snapshotDir.resolve(shard.name() + ".rdb.tmp");
                temps.add(temp);
                files.add(new BufferedOutputStream(Files.newOutputStream(temp), FILE_BUFFER));
                writers.add(new RdbWriter(files.get(files.size() - 1)));
            }
            final RdbSplitter splitter = new RdbSplitter().progress(64L << 20, at -> {
                bytes = at;
                LOG.info("full sync: {} MB of RDB split", at >> 20);
            });
            split = splitter.splitTransfer(in, writers, (db, key, len) -> shardMap.shardOf(key, 0, len), rewriters, valueRules);
            for (OutputStream f : files) {
                f.close(); // the last bytes reach the disk here: a full disk must fail the sync, not cut a snapshot short
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(files);
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
            throw new IOException("full sync: writing the shard snapshots under " + snapshotDir + " failed after "
                + (bytes >> 20) + " MB of RDB (" + (snapshotDir.toFile().getUsableSpace() >> 20) + " MB free there): "
                + e.getMessage(), e);
        } finally {
            closeQuietly(files);
        }
        bytes = split.result().bytesRead();
        // the checkpoint stops vouching for the old snapshots before they are replaced: a crash amid
        // the renames must not leave a shard whose checkpointed epoch and offset describe another
        // file's dataset
        position.withdrawSnapshots();
        for (int i = 0; i < shards.size(); i++) {
            final ShardRuntime shard = shards.get(i);
            Files.move(temps.get(i), shard.snapshot(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            shard.newEpoch(shard.commit());
        }
        return split;
    }

    private static void closeQuietly(List<OutputStream> files) {
        for (OutputStream f : files) {
            try {
                f.close();
            } catch (IOException ignored) {
                // already failing, or closed before
            }
        }
    }
}
