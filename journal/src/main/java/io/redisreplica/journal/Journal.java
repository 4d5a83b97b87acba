package io.redisreplica.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal directory: one {@link ShardJournal} per shard (a sub-directory each) and one
 * {@link Checkpoint}. A writable journal is locked to one process ({@code LOCK} file, released by
 * the OS even after kill -9), so two routers can never interleave appends.
 *
 * <p>Recovery after a crash is opening it again: each shard ends at its last complete entry (a
 * torn one is not an entry), and {@link #checkpoint()} is made consistent with the entries, never
 * pointing past a shard's end.
 */
public final class Journal implements AutoCloseable {
    static {
        ChronicleSupport.disableAnalytics();
    }

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final Pattern SHARD_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final String LOCK_FILE = "LOCK";

    private final JournalContext context;
    private final Path dir;
    private final CheckpointStore checkpoints;
    private final Map<String, ShardJournal> shards = new TreeMap<>();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private Checkpoint checkpoint;
    private final Map<String, String> setAside = new TreeMap<>();

    private Journal(JournalContext context, FileChannel lockChannel, FileLock lock) {
        this.context = context;
        this.dir = context.dir();
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.checkpoints = new CheckpointStore(dir);
        this.checkpoint = checkpoints.read();
        for (String name : existingShards()) {
            try {
                shards.put(name, new ShardJournal(name, dir.resolve(name), context));
            } catch (JournalException e) {
                if (context.readOnly()) {
                    throw e;
                }
                moveAside(name, "it cannot be opened: " + e.getMessage());
                shards.put(name, new ShardJournal(name, dir.resolve(name), context));
            }
        }
        this.checkpoint = reconcile(checkpoint);
    }

    /**
     * Opens (creating if needed) the journal in {@code context.dir()}.
     *
     * @throws JournalException when the directory cannot be created or written, or another process holds it
     */
    public static Journal open(JournalContext context) {
        context.conclude();
        final Path dir = context.dir();
        if (context.readOnly()) {
            if (!Files.isDirectory(dir)) {
                throw new JournalException("no journal at " + dir);
            }
            return new Journal(context, null, null);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new JournalException("cannot create journal directory " + dir + ": " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new JournalException("journal directory " + dir + " is not writable by this user");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
            final FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new JournalException("journal " + dir + " is already open in this process");
            }
            if (lock == null) {
                final String holder = Files.readString(dir.resolve(LOCK_FILE), StandardCharsets.UTF_8).trim();
                throw new JournalException("journal " + dir + " is in use by another process (" + holder + ")");
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            final Journal journal = new Journal(context, channel, lock);
            channel = null;
            return journal;
        } catch (IOException e) {
            throw new JournalException("cannot lock journal " + dir + ": " + e, e);
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing with a better message
                }
            }
        }
    }

    public Path dir() {
        return dir;
    }

    public JournalContext context() {
        return context;
    }

    /** The shard's journal, created when it does not exist (not in a read-only journal). */
    public synchronized ShardJournal shard(String name) {
        if (!SHARD_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("shard name must match " + SHARD_NAME + ": '" + name + "'");
        }
        final ShardJournal existing = shards.get(name);
        if (existing != null) {
            return existing;
        }
        if (context.readOnly()) {
            throw new JournalException("journal " + dir + " has no shard " + name + " (has " + shards.keySet() + ")");
        }
        final ShardJournal created = new ShardJournal(name, dir.resolve(name), context);
        shards.put(name, created);
        return created;
    }

    /** Shards whose damaged journal was set aside since open, and why: each needs a new snapshot. */
    public synchronized Map<String, String> setAside() {
        return new TreeMap<>(setAside);
    }

    /**
     * Sets a damaged shard journal aside, under {@code damaged/} in the journal directory (kept
     * for inspection; it may be deleted), and opens an empty one in its place.
     *
     * @return the new, empty journal of the shard
     */
    public synchronized ShardJournal setAside(String name, String why) {
        final ShardJournal shard = shards.remove(name);
        if (shard != null) {
            shard.close();
        }
        moveAside(name, why);
        final ShardJournal fresh = new ShardJournal(name, dir.resolve(name), context);
        shards.put(name, fresh);
        checkpoint = reconcile(checkpoint); // its receivers' offsets are past the new, empty journal: they need a full resync
        return fresh;
    }

    private void moveAside(String name, String why) {
        final Path damaged = dir.resolve("damaged").resolve(name + "-" + System.currentTimeMillis());
        try {
            Files.createDirectories(damaged.getParent());
            Files.move(dir.resolve(name), damaged);
        } catch (IOException e) {
            throw new JournalException("journal shard " + name + " is damaged (" + why + ") and cannot be moved aside to "
                + damaged + ": " + e, e);
        }
        setAside.put(name, why);
        LOG.error("journal shard {} is damaged: {}. Moved aside to {}; the shard starts empty and takes a new snapshot", name,
            why, damaged);
    }

    public synchronized Set<String> shardNames() {
        return new TreeSet<>(shards.keySet());
    }

    /**
     * Removes a shard for good: forgets it in the checkpoint (its state, map entry and receivers;
     * written first, so a crash leaves at worst a directory nothing refers to), then deletes its
     * journal directory. Files outside it (the shard's snapshot, sink offsets) are the caller's.
     *
     * @return whether the journal held the shard
     */
    public synchronized boolean removeShard(String name) {
        if (context.readOnly()) {
            throw new JournalException("journal " + dir + " is open read-only");
        }
        final ShardJournal shard = shards.remove(name);
        if (shard == null) {
            return false;
        }
        shard.close();
        writeCheckpoint(checkpoint.copy().removeShard(name));
        final Path shardDir = dir.resolve(name);
        try (Stream<Path> files = Files.walk(shardDir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new JournalException("cannot delete the journal of shard " + name + " (" + shardDir + "): " + e, e);
        }
        LOG.info("journal {}: shard {} removed", dir, name);
        return true;
    }

    /** The last checkpoint written, reconciled with the entries at open. */
    public synchronized Checkpoint checkpoint() {
        return checkpoint.copy();
    }

    /**
     * Writes a checkpoint atomically.
     *
     * @throws JournalException when a receiver's offset lies past its shard's end: that would
     *     claim entries the journal does not hold
     */
    public synchronized void writeCheckpoint(Checkpoint next) {
        if (context.readOnly()) {
            throw new JournalException("journal " + dir + " is open read-only");
        }
        for (Checkpoint.ReceiverState r : next.receivers()) {
            final ShardJournal shard = shards.get(r.shard());
            if (shard != null && r.ackedOffset() > shard.endOffset()) {
                throw new JournalException("checkpoint: receiver " + r.receiver() + " of shard " + r.shard()
                    + " acknowledged " + r.ackedOffset() + " but the shard ends at " + shard.endOffset());
            }
        }
        checkpoints.write(next);
        checkpoint = next.copy();
    }

    /**
     * Where the upstream link resumes: the larger of the checkpoint's upstream offset and the last
     * upstream offset journaled in any shard (a crash between an append and the checkpoint write
     * must not make us ask the master for commands we already hold).
     */
    public synchronized long upstreamOffsetCovered() {
        long covered = checkpoint.upstreamOffset();
        for (ShardJournal shard : shards.values()) {
            covered = Math.max(covered, shard.lastUpstreamOffset());
        }
        return covered;
    }

    private Checkpoint reconcile(Checkpoint loaded) {
        final Checkpoint fixed = loaded.copy();
        for (Checkpoint.ReceiverState r : loaded.receivers()) {
            final ShardJournal shard = shards.get(r.shard());
            final long end = shard == null ? 0 : shard.endOffset();
            if (r.ackedOffset() > end) {
                LOG.warn("journal {}: checkpoint has receiver {} of shard {} at offset {} past the shard's end {}: "
                    + "it will need a full resync", dir, r.receiver(), r.shard(), r.ackedOffset(), end);
                fixed.receiver(r.shard(), r.receiver(), end, true);
            }
        }
        return fixed;
    }

    private Set<String> existingShards() {
        final Set<String> names = new TreeSet<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(Files::isDirectory)
                .filter(d -> Files.exists(d.resolve("metadata.cq4t"))) // a Chronicle queue, not e.g. snapshots/
                .map(p -> p.getFileName().toString())
                .filter(n -> SHARD_NAME.matcher(n).matches())
                .forEach(names::add);
        } catch (IOException e) {
            throw new JournalException("cannot list journal " + dir + ": " + e, e);
        }
        return names;
    }

    @Override
    public synchronized void close() {
        for (ShardJournal shard : shards.values()) {
            shard.close();
        }
        shards.clear();
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.warn("journal {}: releasing the lock: {}", dir, e.toString());
        }
    }
}
