package io.redisreplica.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespError;

/**
 * The shard's snapshot in a {@link ReplayEngine}'s target: whether it needs one (no checkpoint
 * yet), whether it holds an older one (its recorded epoch), the load ({@link SnapshotLoader}, on
 * a cluster {@link ClusterSnapshotLoader}) closed by one transaction that records the checkpoint
 * and the epoch, and the reload after a new snapshot: FLUSHALL, as a replica's full resync
 * empties it, then the load.
 */
final class TargetSnapshot {
    private final ReplayEngine engine;
    private final ReplayEngine.Options options;

    TargetSnapshot(ReplayEngine engine) {
        this.engine = engine;
        this.options = engine.options(); // fixed for the engine's life
    }

    /**
     * The shard's history changed under the target: stop, or empty the target and load the new
     * snapshot (FLUSHALL takes the checkpoint keys too: a stop anywhere after it is a fresh load).
     */
    void reload(RespClient target, boolean cluster, ReplayEngine.Listener listener, String why) throws IOException {
        if (options.snapshot() == null) {
            throw new IllegalArgumentException("shard " + options.shard() + ": " + why + "; the target's data continues the old one, "
                + "the journal the new one, and --no-snapshot says the replay does not load snapshots: stopped, the target left as it "
                + "is. Replay without --no-snapshot (--on-new-snapshot reload empties the target and loads the new snapshot)");
        }
        if (options.follow() == null || options.follow().onNewSnapshot() == ReplayEngine.NewSnapshot.STOP) {
            throw new IllegalArgumentException("shard " + options.shard() + ": " + why + "; the target's data continues the old one, "
                + "the journal the new one. Empty the target and replay again (it loads the new snapshot), or replay with --follow "
                + "(--on-new-snapshot reload), which does that");
        }
        listener.newSnapshot(why + ": emptying the target (FLUSHALL" + (cluster ? " on every master" : "")
            + ") and loading the new snapshot");
        if (cluster) {
            try (ClusterNodes nodes = new ClusterNodes(target, engine::connect)) {
                for (RespClient master : nodes.masters()) {
                    master.call("FLUSHALL");
                }
            }
        } else {
            target.call("FLUSHALL");
        }
        load(target, cluster, listener);
    }

    /** The target records (at its snapshot load) an epoch older than the journal's current one. */
    boolean olderInTarget(RespClient target, boolean cluster) throws IOException {
        if (options.snapshot() == null || options.from() != null || options.fromReceiver() != null) {
            return false;
        }
        final Object stored = get(target, cluster, loadKey(cluster) + ":epoch");
        return stored != null && Long.parseLong(String.valueOf(stored)) < engine.epoch();
    }

    /**
     * The key that says the target holds the snapshot (the offset it continues from), and the
     * stem of the load's marker ({@code :snapshot}) and epoch ({@code :epoch}) keys: the
     * checkpoint key on a standalone target; on a cluster the checkpoint key of slot 0
     * ({@link SlotTags}), hash-tagged so that the three live on one node and
     * change in one transaction.
     */
    private String loadKey(boolean cluster) {
        return cluster ? "{" + SlotTags.TAGS[0] + "}" + options.checkpointKey() : options.checkpointKey();
    }

    private Object get(RespClient target, boolean cluster, String key) throws IOException {
        if (!cluster) {
            return target.call("GET", key);
        }
        try (ClusterNodes nodes = new ClusterNodes(target, engine::connect)) {
            final Object v = nodes.request(0, "GET", key);
            if (v instanceof RespError e) {
                throw new IOException("GET " + key + ": " + e.message());
            }
            return v;
        }
    }

    /** Whether the snapshot goes first: asked for, the replay starts at it, and the target has no checkpoint yet. */
    boolean needed(RespClient target, boolean cluster) throws IOException {
        return options.snapshot() != null && options.from() == null && options.fromReceiver() == null
            && get(target, cluster, loadKey(cluster)) == null;
    }

    /**
     * Loads the shard's snapshot, then records its offset as the target's checkpoint: the journal
     * continues from there. Refuses when the journal no longer holds the entries after it.
     */
    void load(RespClient target, boolean cluster, ReplayEngine.Listener listener) throws IOException {
        final long snapshot = engine.snapshotOffset();
        final Path rdb = options.snapshot().rdb();
        if (snapshot < 0 || !Files.exists(rdb)) {
            throw new IllegalArgumentException("shard " + options.shard() + " has no snapshot (" + rdb + ", offset " + snapshot
                + " in the checkpoint): run the router until its first full sync, or replay with --no-snapshot");
        }
        if (engine.shardJournal().firstOffset() > snapshot) {
            throw new IllegalArgumentException("shard " + options.shard() + ": the journal starts at offset "
                + engine.shardJournal().firstOffset() + ", after the snapshot at " + snapshot + ": the entries between are gone (retention), so the target cannot be brought "
                + "to the shard's state from them; keep more journal (journal-retention) or let the router take a new snapshot");
        }
        final long length = Files.size(rdb);
        final String key = loadKey(cluster);
        final LongConsumer progress = read -> listener.snapshotProgress(read, length);
        final int batch = Math.max(1, options.batchEntries());
        final SnapshotLoader.Result loaded;
        if (cluster) {
            try (ClusterNodes nodes = new ClusterNodes(target, engine::connect)) {
                loaded = new ClusterSnapshotLoader(rdb, snapshot, nodes, options.snapshot().existing(), key + ":snapshot", batch,
                    progress).load();
                markLoaded(nodes.node(0), key, snapshot); // slot 0's node: the three keys hash there
            }
        } else {
            try (Pipeline pipe = engine.pipeline()) {
                loaded = new SnapshotLoader(rdb, snapshot, target, pipe, options.snapshot().existing(), key + ":snapshot", batch,
                    progress).load();
            }
            markLoaded(target, key, snapshot);
        }
        listener.snapshotLoaded(loaded);
    }

    /**
     * The checkpoint (the snapshot's offset: the journal continues from there), the epoch loaded
     * and the end of the load's marker, in one transaction: a stop between them leaves neither half.
     */
    private void markLoaded(RespClient node, String key, long snapshot) throws IOException {
        node.call("MULTI");
        node.call("SET", key, new ReplayCheckpoint(engine.shardJournal().history().currentId()).loaded(snapshot));
        node.call("SET", key + ":epoch", Long.toString(engine.epoch()));
        node.call("DEL", key + ":snapshot");
        final Object exec = node.call("EXEC");
        if (!(exec instanceof List<?>)) {
            throw new IOException("the target refused to record the snapshot load: " + exec);
        }
    }
}
