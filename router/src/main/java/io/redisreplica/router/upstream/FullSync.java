package io.redisreplica.router.upstream;

import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import io.redisreplica.server.GrowingSnapshot;

/**
 * A full sync's RDB transfer, split as it arrives into one new snapshot per shard
 * ({@code SHARD.rdb.tmp} beside the snapshots). The new snapshots replace the old ones only once
 * all are complete; a failed transfer deletes its temporary files (a half-written snapshot is of
 * no use, and may be what filled the disk) and says where and how much room there was.
 *
 * <p>Each shard's file is published as it grows ({@link GrowingSnapshot}: the bytes on disk after
 * each write, and the replid, offset and epoch the shard takes with it, chosen before the split):
 * replica sessions stream it to their replicas while the split runs, and learn of its end, whole
 * (the new epoch in place) or abandoned (the split failed), from the same record.
 */
final class FullSync {
    private static final Logger LOG = LoggerFactory.getLogger(FullSync.class);
    /** Bytes written to a shard's file at a time: what a replica streaming it gets next. */
    private static final int FILE_BUFFER = 256 << 10;
    /** How long a shard's written bytes may wait in its buffer. */
    private static final long FLUSH_NANOS = 1_000_000_000L;

    private final ShardMap shardMap;
    private final List<ShardRuntime> shards;
    private final Path snapshotDir;
    private final UpstreamPosition position;
    private final KeyRewriter[] rewriters;
    private final ValueRules valueRules;
    /**
     * Whether the snapshots must survive a power loss ({@code journal-sync commit}): each file is
     * fsynced before it is renamed into place and the directory after, before the checkpoint that
     * vouches for them; without it a power loss could leave a checkpoint naming a snapshot whose
     * bytes never reached the disk. With {@code journal-sync none} the page cache is trusted, as
     * for the journal: a killed router loses nothing, a power loss is not promised.
     */
    private final boolean durable;
    /** Bytes of RDB read in the current or last full sync, for INFO. */
    private volatile long bytes;

    /** @param rewriters and {@code valueRules} the same ones the command stream uses (either may be null) */
    FullSync(ShardMap shardMap, List<ShardRuntime> shards, Path snapshotDir, UpstreamPosition position, KeyRewriter[] rewriters,
             ValueRules valueRules, boolean durable) {
        this.shardMap = shardMap;
        this.shards = shards;
        this.snapshotDir = snapshotDir;
        this.position = position;
        this.rewriters = rewriters;
        this.valueRules = valueRules;
        this.durable = durable;
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
        final List<FileOutputStream> descriptors = new ArrayList<>();
        final List<RdbWriter> writers = new ArrayList<>();
        final List<Path> temps = new ArrayList<>();
        final List<GrowingSnapshot> growing = new ArrayList<>();
        final RdbSplitter.TransferSplit split;
        try {
            for (ShardRuntime shard : shards) {
                final Path temp = snapshotDir.resolve(shard.name() + ".rdb.tmp");
                temps.add(temp);
                final FileOutputStream file = new FileOutputStream(temp.toFile());
                descriptors.add(file);
                // nothing is journaled while the link splits: the journal's end is where the snapshot stands
                final GrowingSnapshot next = shard.startSnapshot(temp, shard.writer().endOffset());
                growing.add(next);
                files.add(new Published(file, next));
                // the writer gathers the entries (a few dozen bytes each) in its own buffer: the shard's CRC
                // digests whole buffers, at twice its speed on short runs, and the file gets one write per
                // buffer instead of a call (and a lock) per entry; as `rdb split` writes its shards
                writers.add(new RdbWriter(files.get(files.size() - 1), FILE_BUFFER));
            }
            final RdbSplitter splitter = new RdbSplitter().progress(64L << 20, at -> {
                bytes = at;
                LOG.info("full sync: {} MB of RDB split", at >> 20);
            });
            final long[] lastFlush = {System.nanoTime()};
            split = splitter.splitTransfer(in, writers, (db, key, len) -> {
                // a shard that gets few keys fills its buffer slowly: what it holds reaches the disk, and the
                // replicas streaming it, at least once a second, within their repl-timeout (no newline can
                // keep a link alive once the $EOF: transfer has begun)
                final long now = System.nanoTime();
                if (now - lastFlush[0] >= FLUSH_NANOS) {
                    lastFlush[0] = now;
                    flush(writers);
                }
                return shardMap.shardOf(key, 0, len);
            }, rewriters, valueRules);
            LOG.debug("full sync: the RDB transfer read to its end ({} bytes)", split.result().bytesRead());
            for (int i = 0; i < files.size(); i++) {
                files.get(i).flush(); // the last bytes reach the disk here: a full disk must fail the sync, not cut a snapshot short
                if (durable) {
                    descriptors.get(i).getFD().sync();
                }
                files.get(i).close();
            }
            LOG.debug("full sync: the shards' files closed");
        } catch (IOException | RuntimeException e) {
            closeQuietly(files);
            final String reason = "writing the shard snapshots under " + snapshotDir + " failed after " + (bytes >> 20) + " MB of RDB ("
                + (snapshotDir.toFile().getUsableSpace() >> 20) + " MB free there): " + e.getMessage();
            abandon(growing, reason);
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
            throw new IOException("full sync: " + reason, e);
        } catch (Error e) {
            // the router stops on an Error, but the replicas streaming a growing snapshot must still hear
            // that it ends here, not wait on a GROWING file until their repl-timeout
            abandon(growing, "the split failed: " + e);
            throw e;
        } finally {
            closeQuietly(files);
            closeQuietly(descriptors); // a file opened before its stream was listed
        }
        bytes = split.result().bytesRead();
        // every shard's journal still ends where its snapshot was promised, checked before any file is
        // replaced: a snapshot in place must never be served under the shard's old replid and offset
        for (int i = 0; i < shards.size(); i++) {
            final long end = shards.get(i).commit();
            if (end != growing.get(i).offset()) {
                final String reason = "shard " + shards.get(i).name() + ": the journal moved from " + growing.get(i).offset() + " to "
                    + end + " during the split";
                abandon(growing, reason);
                throw new IllegalStateException(reason);
            }
        }
        int renamed = 0;
        try {
            LOG.debug("full sync: putting the new snapshots in place");
            // the checkpoint stops vouching for the old snapshots before they are replaced: a crash amid
            // the renames must not leave a shard whose checkpointed epoch and offset describe another
            // file's dataset
            position.withdrawSnapshots();
            for (; renamed < shards.size(); renamed++) {
                final ShardRuntime shard = shards.get(renamed);
                // the file and the epoch together (a replica must never get the new file with the old offset);
                // the replicas streaming this snapshot get its end now: the epoch they were promised is in place
                shard.installSnapshot(temps.get(renamed), growing.get(renamed), split.result().bytesPerShard()[renamed]);
            }
            if (durable) {
                // the renames, before the checkpoint after this sync names the new epochs; a failure here
                // forgets the position like a failed rename, so the next attempt is a full sync
                syncDirectory(snapshotDir);
            }
        } catch (IOException | RuntimeException e) {
            abandon(growing, "putting the new snapshots in place failed: " + e.getMessage());
            // the shards not yet in their new epoch may hold either file: their replicas wait, and the
            // next attempt is a full sync of the master, which gives every shard a snapshot again
            for (int i = renamed; i < shards.size(); i++) {
                shards.get(i).awaitSnapshot(shards.get(i).replid(), shards.get(i).epoch(), "snapshot_incomplete");
            }
            position.forget();
            throw e;
        } catch (Error e) {
            abandon(growing, "putting the new snapshots in place failed: " + e);
            throw e;
        }
        LOG.debug("full sync: the new snapshots are in place, their replicas streaming them got their end");
        return split;
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** What each writer holds to its file (an I/O error is unchecked: it fails the split, as a write would). */
    private static void flush(List<RdbWriter> writers) {
        for (RdbWriter w : writers) {
            w.flush();
        }
    }

    /** Tells the replicas streaming the shards' growing snapshots that they will not be complete. */
    private void abandon(List<GrowingSnapshot> growing, String reason) {
        for (int i = 0; i < growing.size(); i++) {
            if (growing.get(i).state() == GrowingSnapshot.State.GROWING) {
                shards.get(i).abandonSnapshot(growing.get(i), reason);
            }
        }
    }

    /** The shard file's stream, telling its growing snapshot how far the file is written after each write reached it. */
    private static final class Published extends FilterOutputStream {
        private final GrowingSnapshot snapshot;
        private long written;

        Published(OutputStream file, GrowingSnapshot snapshot) {
            super(file);
            this.snapshot = snapshot;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            written += len;
            snapshot.written(written);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            snapshot.written(++written);
        }
    }

    private static void closeQuietly(List<? extends OutputStream> files) {
        for (OutputStream f : files) {
            try {
                f.close();
            } catch (IOException ignored) {
                // already failing, or closed before
            }
        }
    }
}
