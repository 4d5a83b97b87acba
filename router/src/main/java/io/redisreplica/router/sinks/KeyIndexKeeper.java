package io.redisreplica.router.sinks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.api.KeyEvent;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.router.config.SinkConfig;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.sinks.index.KeyIndex;
import io.redisreplica.router.sinks.index.KeyMeta;
import io.redisreplica.router.sinks.index.SnapshotKeys;

/**
 * Keeps a sink's {@link KeyIndex} for one shard in step with where the sink reads, so its events
 * can carry kinds ({@code kinds=}). The sink's runner calls {@link #prepare} where it starts
 * reading, {@link #beforeEntry} before each entry and {@link #delivered} after each recorded batch.
 *
 * <ul>
 *   <li>Start: when the index's stamp equals the sink's checkpoint, it goes on as it is; otherwise it
 *       is rebuilt from the shard's snapshot and the journal from the snapshot's offset to the
 *       checkpoint (retention keeps the journal from the snapshot on). After a failed delivery the
 *       index first undoes its changes since the last recorded batch (its {@code UndoLog}); only
 *       what cannot be undone (a flush, a snapshot load in the failed batch) or a restart of the
 *       process rebuilds.
 *   <li>A full resync of the master gives the shard a new snapshot at an offset: when the sink's
 *       reading reaches that offset, the index is emptied and loaded from that snapshot (its keys
 *       make {@code load} events with {@code kinds=...,load}, none otherwise).
 *   <li>A stretch the index cannot follow: a checkpoint before the shard's current snapshot (the
 *       router was down across a full resync), or a second full resync whose snapshot replaced the
 *       first before the sink reached it. Until the sink reaches the current snapshot's offset, writes
 *       are {@code write} (add or change unknown) and deletions {@code del}; logged once per stretch.
 * </ul>
 */
final class KeyIndexKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyIndexKeeper.class);

    /** The most load events one snapshot makes: they go out in one batch, held on the heap until delivered. */
    static final int MAX_LOAD_EVENTS = 100_000;

    private record Pending(long offset, long epoch) {
    }

    private final SinkConfig config;
    private final ShardRuntime shard;
    private final KeyIndex index;
    private final KeyKinds kinds;
    private final KeyEvents events;
    private final boolean load;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long seenEpoch;
    private long lastSnapshotOffset;
    private long loadedEpoch = -1;

    KeyIndexKeeper(SinkConfig config, ShardRuntime shard, Path dir) {
        this.config = config;
        this.shard = shard;
        this.index = KeyIndex.open(dir);
        this.kinds = new KeyKinds(index, offset -> System.currentTimeMillis()
            - (long) shard.commits().lagMillis(offset, System.nanoTime()));
        this.events = new KeyEvents(config.values(), kinds, config.kinds());
        this.load = config.kinds().contains(KeyEvent.Kind.LOAD);
    }

    KeyEvents events() {
        return events;
    }

    KeyIndex index() {
        return index;
    }

    /** Makes the index reflect the shard at {@code start}, where the sink goes on reading. */
    void prepare(long start) throws IOException {
        pending.clear();
        final long epoch = shard.epoch();
        final long snapshotAt = shard.snapshotOffset();
        seenEpoch = epoch;
        lastSnapshotOffset = snapshotAt;
        if (index.offset() < 0 && index.rollBack()) {
            LOG.info("sink {} shard {}: key index rolled back to offset {} (the changes past the last recorded batch undone)",
                config.name(), shard.name(), index.offset());
        }
        final long stamped = index.offset();
        if (stamped == start && stamped >= 0 && (index.epoch() == epoch || snapshotAt < 0 || start <= snapshotAt)) {
            known(index.epoch(), "the key index goes on in a stretch it cannot follow: kinds are write and del until the sink "
                + "reaches the shard's next snapshot");
            if (snapshotAt >= start && index.epoch() != epoch) {
                pending.add(new Pending(snapshotAt, epoch));
            }
            LOG.info("sink {} shard {}: key index goes on at offset {} ({} keys)", config.name(), shard.name(), start, index.keys());
            return;
        }
        index.dirty();
        if (snapshotAt >= 0 && start >= snapshotAt && rebuild(epoch, snapshotAt, start)) {
            index.stamp(start, epoch);
            return;
        }
        index.flushAll();
        known(-1, snapshotAt < 0 ? "" // before the first full sync: nothing is journaled until its snapshot
            : "the index has no snapshot to start from at offset " + start + " (the shard's snapshot is at " + snapshotAt
            + "): kinds are write and del until the sink reaches it");
        if (snapshotAt >= start) {
            pending.add(new Pending(snapshotAt, epoch));
        }
        index.stamp(start, -1);
    }

    /** Loads the snapshot at {@code snapshotAt} and applies the journal from there to {@code start}; false when it cannot. */
    private boolean rebuild(long epoch, long snapshotAt, long start) throws IOException {
        final long t0 = System.nanoTime();
        if (!loadSnapshot(epoch, snapshotAt, null, 0)) {
            return false;
        }
        try (JournalReader reader = shard.journal().reader()) {
            if (snapshotAt < start && reader.seek(snapshotAt) != SeekResult.BOUNDARY) {
                return false;
            }
            final JournalEntry entry = new JournalEntry();
            long at = snapshotAt;
            while (at < start && reader.next(entry)) {
                events.of(shard.name(), entry, null);
                at = entry.endOffset();
            }
            if (at != start) {
                return false;
            }
        }
        LOG.info("sink {} shard {}: key index rebuilt from the snapshot at offset {} and the journal to {}: {} keys in {} ms",
            config.name(), shard.name(), snapshotAt, start, index.keys(), (System.nanoTime() - t0) / 1_000_000);
        return true;
    }

    /** Empties the index and loads the shard's snapshot, if it is still the one of {@code epoch}; false when it is not. */
    private boolean loadSnapshot(long epoch, long snapshotAt, List<KeyEvent> out, long offset) throws IOException {
        index.dirty();
        final int before = out == null ? 0 : out.size();
        final boolean[] over = new boolean[1];
        final SnapshotKeys.Loaded loaded = out == null ? null : (db, key, length, type) -> {
            // the load events go out in the batch the snapshot starts: held on the heap, so only up to a bound
            if (over[0]) {
                return;
            }
            if (out.size() - before >= MAX_LOAD_EVENTS) {
                over[0] = true;
                out.subList(before, out.size()).clear();
                return;
            }
            out.add(new KeyEvent(shard.name(), db, offset, KeyEvent.Type.WRITE, "LOAD", java.util.Arrays.copyOf(key, length),
                List.of(), KeyEvent.Kind.LOAD, KeyMeta.typeName(type)));
        };
        try {
            SnapshotKeys.load(shard.snapshot(), index, loaded);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        if (over[0]) {
            LOG.warn("sink {} shard {}: the snapshot at offset {} holds more than {} keys: no load events for it (they would be held "
                + "on the heap); the key index has every key", config.name(), shard.name(), offset, MAX_LOAD_EVENTS);
        }
        // a full resync that replaced the file while it was read leaves the epoch or offset changed
        if (shard.epoch() != epoch || shard.snapshotOffset() != snapshotAt) {
            if (out != null) {
                out.clear();
            }
            index.flushAll();
            return false;
        }
        known(epoch, "");
        return true;
    }

    /** The index follows snapshot {@code epoch}, or (-1) cannot tell kinds, for the reason logged. */
    private void known(long epoch, String why) {
        loadedEpoch = epoch;
        kinds.known(epoch >= 0);
        if (epoch < 0 && !why.isEmpty()) {
            LOG.warn("sink {} shard {}: {}", config.name(), shard.name(), why);
        }
    }

    /**
     * Called before the entry that starts at {@code reached}: notes a new snapshot epoch of the
     * shard, and loads its snapshot when the sink reaches its offset ({@code load} events into
     * {@code out} when asked).
     */
    void beforeEntry(long reached, List<KeyEvent> out) throws IOException {
        final long epoch = shard.epoch();
        if (epoch != seenEpoch) {
            seenEpoch = epoch;
            long at = shard.snapshotOffset();
            // newEpoch writes the epoch before the offset: wait out that instant
            for (int spins = 0; at == lastSnapshotOffset && spins < 10_000; spins++) {
                Thread.onSpinWait();
                at = shard.snapshotOffset();
            }
            lastSnapshotOffset = at;
            if (at >= 0) {
                pending.add(new Pending(at, epoch));
            }
        }
        while (!pending.isEmpty() && pending.peek().offset() <= reached) {
            final Pending p = pending.poll();
            if (p.offset() == reached && pending.isEmpty() && loadSnapshot(p.epoch(), p.offset(), load ? out : null, reached)) {
                LOG.info("sink {} shard {}: key index loaded from the new snapshot at offset {}: {} keys", config.name(), shard.name(),
                    reached, index.keys());
                continue;
            }
            index.dirty();
            index.flushAll();
            known(-1, "the shard's snapshot at offset " + p.offset() + " was replaced before the sink reached it: kinds are write "
                + "and del until the sink reaches the next one");
        }
    }

    /** The sink recorded everything up to {@code offset}: the index's stamp says so. */
    void delivered(long offset) {
        index.stamp(offset, loadedEpoch);
        keys = index.keys(); // published for INFO and /metrics, which read them on other threads
        bytes = index.bytes();
    }

    private volatile long keys;
    private volatile long bytes;

    /** Keys in the index at the last recorded batch. */
    long keys() {
        return keys;
    }

    /** Bytes its tables map, at the last recorded batch. */
    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        index.close();
    }
}
