package io.redisreplica.router.shard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.ShardCheck;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.config.SinkConfig;
import io.redisreplica.router.routing.ShardMap;

/**
 * The shards as the journal left them, made into {@link ShardRuntime}s at start: the shard map
 * compared with the one the checkpoint recorded ({@link ShardMapPolicy}), each shard's journal
 * checked against what the checkpoint saw committed (cut back to its last good entry, or set aside),
 * the shards that must wait for a new snapshot named with their reason, and what the config no
 * longer has (old shards' journals, key indexes no sink reads) dealt with. Runs once, on the
 * starting thread, before any loop exists.
 */
public final class ShardsAtStart {
    private static final Logger LOG = LoggerFactory.getLogger(ShardsAtStart.class);

    private final RouterConfig config;
    private final Journal journal;
    private final List<ShardRuntime> shards = new ArrayList<>();
    /** "name (reason)" of each shard that waits for a new snapshot. */
    private final List<String> waiting = new ArrayList<>();
    private long setAside;
    private long tailsCut;
    private long upstreamOffset;
    private Path snapshots;

    private ShardsAtStart(RouterConfig config, Journal journal) {
        this.config = config;
        this.journal = journal;
    }

    /**
     * Opens every configured shard from {@code journal}.
     *
     * @throws ShardMapChangedException when the map changed and {@code mapPolicy} does not accept it
     */
    public static ShardsAtStart open(RouterConfig config, Journal journal, ShardMapPolicy mapPolicy) throws IOException {
        final ShardsAtStart at = new ShardsAtStart(config, journal);
        at.open(mapPolicy);
        return at;
    }

    /** The shards in the config's order. */
    public List<ShardRuntime> shards() {
        return shards;
    }

    /** "name (reason)" of each shard that waits for a new snapshot; a master that would continue must be asked for a full sync. */
    public List<String> waiting() {
        return waiting;
    }

    /** Shard journals found damaged and set aside (each such shard takes a new snapshot). */
    public long setAside() {
        return setAside;
    }

    /** Shard journals found damaged after what the checkpoint saw, and cut back to their last good entry. */
    public long tailsCut() {
        return tailsCut;
    }

    /** The directory of the shards' snapshots (made when missing). */
    public Path snapshots() {
        return snapshots;
    }

    /** The upstream offset the checkpoint recorded, or -1 before the first sync. */
    public long upstreamOffset() {
        return upstreamOffset;
    }

    private void open(ShardMapPolicy mapPolicy) throws IOException {
        final Checkpoint cp = journal.checkpoint();
        final Map<String, String> fingerprints = ShardFingerprint.of(config);
        final ShardMapChange change = ShardMapChange.compare(cp.shardMapRecorded() ? cp.shardMap() : null, fingerprints);
        if (!change.isEmpty()) {
            // deleting what the config no longer has is consent enough when nothing else changed
            if (!mapPolicy.acceptChange() && !(mapPolicy.removeOldShards() && change.onlyRemovals())) {
                throw new ShardMapChangedException(change.refusal(config.journalDir()), change);
            }
            LOG.warn("shard map change accepted ({}):{}", mapPolicy.acceptChange() ? ShardMapChange.ACCEPT_OPTION
                : ShardMapChange.REMOVE_OPTION, change.details());
        } else if (!cp.shardMapRecorded() && !cp.shards().isEmpty()) {
            LOG.info("journal {}: its checkpoint records no shard map (written before maps were recorded): "
                + "the current one is recorded with the next checkpoint", config.journalDir());
        }
        snapshots = config.journalDir().resolve("snapshots");
        Files.createDirectories(snapshots);
        oldShards(config, fingerprints.keySet(), snapshots, mapPolicy.removeOldShards());
        staleKeyIndexes(config);
        final List<ShardRuntime> cutBack = new ArrayList<>();
        for (ShardMap.Shard s : config.shardMap().shards()) {
            final Checkpoint.ShardState saved = cp.shards().get(s.name());
            // a journal that does not read back whole, or ends short of what the checkpoint saw
            // committed, is cut back to its last good entry when that keeps all the checkpoint saw
            // (the upstream link journals the rest again), else set aside: the shard takes a new
            // snapshot instead of stranding a replica
            ShardCheck checked = null;
            if (saved != null) {
                final long started = System.nanoTime();
                final io.redisreplica.resp.CommandFramer framer = new io.redisreplica.resp.CommandFramer(
                    io.redisreplica.resp.RespDecoderContext.preChecked()); // one for the whole walk
                checked = journal.check(s.name(), saved.journalEnd(), entry -> wholeCommands(framer, entry));
                LOG.info("journal shard {}: checked in {} ms: {}", s.name(), (System.nanoTime() - started) / 1_000_000,
                    checked.outcome() == ShardCheck.Outcome.WHOLE ? "whole" : checked.outcome() + ": " + checked.damage());
            }
            final ShardJournal sj = journal.shard(s.name());
            final String damage = journal.setAside().get(s.name()); // also one that could not be opened, unchecked
            if (damage != null) {
                setAside++;
            }
            final boolean tailCut = checked != null && checked.outcome() == ShardCheck.Outcome.TAIL_CUT;
            if (tailCut) {
                tailsCut++;
            }
            final long initial = saved == null || damage != null ? 0 : Math.max(saved.snapshotOffset(), 0);
            final ShardRuntime runtime = new ShardRuntime(s, sj, sj.writer(initial), snapshots, config.shardPassword(s.name()));
            runtime.fingerprint(fingerprints.get(s.name()));
            final String wait = damage != null ? "journal_damaged"
                : change.added().contains(s.name()) ? "shard_added"
                : change.changed().contains(s.name()) ? "shard_map_changed"
                : saved == null ? (cp.upstreamOffset() < 0 ? "first_sync" : "shard_added")
                : saved.snapshotOffset() < 0 ? "snapshot_incomplete" // the router stopped while it swapped snapshots
                : !Files.exists(runtime.snapshot()) ? "snapshot_missing" : null;
            if (wait == null) {
                runtime.restore(saved.replid(), saved.epoch(), saved.snapshotOffset());
                if (tailCut) {
                    runtime.cutBack(checked.goodEnd());
                    cutBack.add(runtime);
                }
            } else {
                runtime.awaitSnapshot(saved == null ? null : saved.replid(), saved == null ? 0 : saved.epoch(), wait);
                waiting.add(s.name() + " (" + wait + ")");
            }
            shards.add(runtime);
            if (config.describeRewrites(s.name()) != null) {
                LOG.info("shard {}: keys rewritten ({})", s.name(), config.describeRewrites(s.name()));
            }
        }
        if (!cutBack.isEmpty()) {
            // the new replids are durable before any replica is served: one that received what was
            // cut must not continue with the old one after a restart
            final Checkpoint next = journal.checkpoint();
            cutBack.forEach(s -> next.shard(s.name(), s.replid(), s.epoch(), s.snapshotOffset(), s.journal().endOffset()));
            journal.writeCheckpoint(next);
        }
        upstreamOffset = cp.upstreamOffset();
    }

    /**
     * Journal shards the config does not have: removed (journal, snapshot, sink offsets and key indexes) when
     * asked, else kept as they are, with a warning: nothing reads or retains them.
     */
    private void oldShards(RouterConfig config, java.util.Set<String> configured, Path snapshots, boolean remove) throws IOException {
        for (String name : journal.shardNames()) {
            if (configured.contains(name)) {
                continue;
            }
            if (!remove) {
                LOG.warn("journal {}: shard {} is not in the config: its journal is kept and left alone (no replica is served "
                    + "from it, retention does not touch it); start with {} to delete it", config.journalDir(), name,
                    ShardMapChange.REMOVE_OPTION);
                continue;
            }
            journal.removeShard(name);
            Files.deleteIfExists(snapshots.resolve(name + ".rdb"));
            final Path sinkDir = config.journalDir().resolve("sinks");
            if (Files.isDirectory(sinkDir)) {
                try (java.util.stream.Stream<Path> sinkNames = Files.list(sinkDir)) {
                    for (Path sink : sinkNames.toList()) {
                        Files.deleteIfExists(sink.resolve(name + ".offset"));
                        deleteKeyIndex(sink.resolve(name + ".index")); // a shard added again under this name starts a new one
                    }
                }
            }
            LOG.warn("journal {}: shard {} is not in the config: its journal, snapshot, sink offsets and key indexes were deleted ({})",
                config.journalDir(), name, ShardMapChange.REMOVE_OPTION);
        }
    }

    /**
     * Deletes the key indexes no configured sink reads any more: the sink was removed, lost its
     * {@code kinds=}, or no longer takes that shard. An index is derived data (made again from the
     * shard's snapshot when a sink asks for kinds again), a large one (about 27 bytes a key), and a
     * stale one must not be mistaken for current if the sink comes back.
     */
    private static void staleKeyIndexes(RouterConfig config) throws IOException {
        final Path sinkDir = config.journalDir().resolve("sinks");
        if (!Files.isDirectory(sinkDir)) {
            return;
        }
        try (java.util.stream.Stream<Path> sinkNames = Files.list(sinkDir)) {
            for (Path sink : sinkNames.filter(Files::isDirectory).toList()) { // a stray file there is not a sink's
                final String name = sink.getFileName().toString();
                final SinkConfig configured = config.sinks().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
                try (java.util.stream.Stream<Path> files = Files.list(sink)) {
                    for (Path index : files.filter(f -> f.getFileName().toString().endsWith(".index")).toList()) {
                        final String file = index.getFileName().toString();
                        final String shard = file.substring(0, file.length() - ".index".length());
                        if (configured == null || configured.kinds().isEmpty() || !configured.takes(shard)) {
                            deleteKeyIndex(index);
                            LOG.info("sink {}: deleted its key index of shard {} ({}): no configured sink reads it", name, shard, index);
                        }
                    }
                }
            }
        }
    }

    /** Deletes a sink's key index directory (its files, then itself), if there is one. */
    private static void deleteKeyIndex(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /** Whether a journal entry's payload frames as whole RESP commands (damaged bytes seldom do). */
    private static boolean wholeCommands(io.redisreplica.resp.CommandFramer framer, io.redisreplica.journal.JournalEntry entry) {
        framer.reset();
        final int end = entry.payloadOffset() + entry.payloadLength();
        int at = entry.payloadOffset();
        try {
            int n;
            while (at < end && (n = framer.frame(entry.payload(), at, end - at)) > 0) {
                if (framer.command().isInline() && !framer.command().isEmpty()) {
                    return false; // the router journals arrays only
                }
                at += n;
            }
        } catch (RuntimeException e) {
            return false;
        }
        return at == end;
    }

}
