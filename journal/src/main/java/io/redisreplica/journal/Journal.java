package io.redisreplica.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
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
 * pointing past a shard's end. Damage (a disk's doing) is found by {@link #check}, which cuts a
 * shard's journal back to its last good entry or sets it aside ({@link ShardRepair}).
 *
 * <p>Over 300 lines: the directory's life (lock, open with repair, shards, removal, close) and the
 * checkpoint's two locks keep one invariant together (no write after close, none older than a
 * removal, none rolling a check back); the per-shard work is in ShardJournal, ShardRepair and
 * EntryLocator.
 */
public final class Journal implements AutoCloseable {
    static {
        ChronicleSupport.disableAnalytics();
    }

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final Pattern SHARD_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final JournalContext context;
    private final Path dir;
    private final CheckpointStore checkpoints;
    private final ShardRepair repair;
    private final Map<String, ShardJournal> shards = new TreeMap<>();
    /** Shards whose journal could not be opened, and why: {@link #check} or {@link #shard} decides what becomes of them. */
    private final Map<String, String> unopened = new TreeMap<>();
    private final JournalLock lock;
    private Checkpoint checkpoint;
    private final Map<String, String> setAside = new TreeMap<>();
    private final Map<String, ShardCheck> tailsCut = new TreeMap<>();

    private Journal(JournalContext context, JournalLock lock) {
        this.context = context;
        this.dir = context.dir();
        this.lock = lock;
        this.checkpoints = new CheckpointStore(dir);
        this.repair = new ShardRepair(dir);
        this.checkpoint = checkpoints.read();
        if (!context.readOnly()) {
            ShardRepair.finishInterrupted(dir);
        }
        for (String name : existingShards()) {
            try {
                shards.put(name, new ShardJournal(name, dir.resolve(name), context));
            } catch (JournalException e) {
                if (context.readOnly()) {
                    throw e;
                }
                unopened.put(name, e.getMessage());
                LOG.warn("journal shard {} cannot be opened ({}): it is checked, and cut back or set aside, before use", name,
                    e.getMessage());
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
                throw new JournalException("no journal at " + dir + (Files.exists(dir) ? ": not a directory" : ": no such directory"));
            }
            final Journal journal = new Journal(context, null);
            if (journal.shards.isEmpty() && !Files.exists(dir.resolve(CheckpointStore.FILE))) {
                // a reader must not call an empty or unrelated directory a consistent journal
                journal.close();
                throw new JournalException(dir + " is not a journal: it has no checkpoint file and no shard directory "
                    + "(the directory named by the config's journal directive)");
            }
            return journal;
        }
        ChronicleSupport.openingForWriting(dir);
        final JournalLock lock = JournalLock.acquire(dir);
        try {
            return new Journal(context, lock);
        } catch (RuntimeException e) {
            try {
                lock.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Declares that this JVM reads journals and never writes one (the tools' journal commands), best
     * before it opens the first: Chronicle's start then skips its native POSIX binding (JNR's,
     * generated at run time: 0.17 s of such a tool's start, issue 18), which only writing uses. A
     * journal opened for writing afterwards is refused ({@link JournalException}).
     *
     * @return false, and nothing changes, when this JVM has opened a journal for writing
     */
    public static boolean readOnlyProcess() {
        return ChronicleSupport.readOnlyProcess();
    }

    /**
     * Starts Chronicle (its {@code Jvm}, wire and queue builder classes, whose static start is most
     * of a first open's: 0.2 s cold) on a daemon thread, for a process that has work of its own to
     * do before it opens a journal (a tool parsing its command line): the two then run at once, and
     * the first open finds Chronicle started or waits for the rest (the JVM's lock on a class being
     * initialised). After {@link #readOnlyProcess()}, when that is called.
     */
    public static void startChronicleInBackground() {
        ChronicleSupport.startInBackground();
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
        if (unopened.containsKey(name)) { // not checked (see check): set aside, as a damaged journal always was
            reopen(name, repair.setAside(name, "it cannot be opened: " + unopened.remove(name), 0));
            return shards.get(name);
        }
        if (context.readOnly()) {
            throw new JournalException("journal " + dir + " has no shard " + name + " (has " + shards.keySet() + ")");
        }
        final ShardJournal created = new ShardJournal(name, dir.resolve(name), context);
        shards.put(name, created);
        removed.remove(name); // added again under its old name: its checkpoint states are current again
        return created;
    }

    /** Shards whose damaged journal was set aside since open, and why: each needs a new snapshot. */
    public synchronized Map<String, String> setAside() {
        return new TreeMap<>(setAside);
    }

    /** Shards whose journal was cut back to its last good entry since open, and how. */
    public synchronized Map<String, ShardCheck> tailsCut() {
        return new TreeMap<>(tailsCut);
    }

    /**
     * Reads a shard's journal back before anything appends to it (the router's start) and repairs
     * what is damaged: every entry whole and each payload passing {@code payloadCheck} (the
     * router frames it as whole commands: the journal keeps no checksum, so damaged bytes show as
     * broken RESP), offsets chained, and the journal no shorter than {@code recordedEnd}, the end
     * the checkpoint saw committed ({@link Checkpoint.ShardState#journalEnd()}; -1: unknown).
     * Damage after {@code recordedEnd} is cut off; damage before it, or a journal that ends short
     * of it, sets the journal aside: the shard starts empty and needs a new snapshot. See
     * {@link ShardRepair}. Afterwards {@link #shard} returns the journal as it now is.
     */
    public ShardCheck check(String name, long recordedEnd, Predicate<JournalEntry> payloadCheck) {
        // the checkpoint is reconciled here: no checkpoint write computed before may land after it
        synchronized (checkpointWrites) {
            synchronized (this) {
                return checkLocked(name, recordedEnd, payloadCheck);
            }
        }
    }

    private ShardCheck checkLocked(String name, long recordedEnd, Predicate<JournalEntry> payloadCheck) {
        requireWritable();
        final String openProblem = unopened.get(name);
        final ShardJournal source;
        if (openProblem == null) {
            source = shard(name);
        } else {
            try {
                source = ShardJournal.forRepair(name, dir.resolve(name), context);
            } catch (JournalException e) {
                unopened.remove(name);
                return reopen(name, repair.setAside(name, "it cannot be opened: " + openProblem + "; nor read: " + e.getMessage(), 0));
            }
        }
        final ShardCheck result = repair.check(source, openProblem, recordedEnd, payloadCheck);
        if (result.outcome() == ShardCheck.Outcome.WHOLE) {
            return result;
        }
        shards.remove(name);
        unopened.remove(name);
        return reopen(name, result);
    }

    /** Opens the shard's journal that {@code result} left in place, and records what was done. */
    private ShardCheck reopen(String name, ShardCheck result) {
        shards.put(name, new ShardJournal(name, dir.resolve(name), context));
        if (result.outcome() == ShardCheck.Outcome.TAIL_CUT) {
            tailsCut.put(name, result);
        } else {
            setAside.put(name, result.damage());
        }
        checkpoint = reconcile(checkpoint); // receivers past the new end need a full resync
        return result;
    }

    /** The shards open now, for a {@link Pretoucher} round (taken under the monitor, used outside it). */
    synchronized List<ShardJournal> openShards() {
        return List.copyOf(shards.values());
    }

    public synchronized Set<String> shardNames() {
        final Set<String> names = new TreeSet<>(shards.keySet());
        names.addAll(unopened.keySet());
        return names;
    }

    /**
     * Removes a shard for good: forgets it in the checkpoint (its state, map entry and receivers;
     * written first, so a crash leaves at worst a directory nothing refers to), then deletes its
     * journal directory. Files outside it (the shard's snapshot, sink offsets) are the caller's.
     *
     * @return whether the journal held the shard
     */
    public boolean removeShard(String name) {
        synchronized (checkpointWrites) { // the checkpoint without the shard is computed and written with no write between
            return removeShardLocked(name);
        }
    }

    private boolean removeShardLocked(String name) {
        requireWritable();
        final ShardJournal shard;
        final Checkpoint next;
        synchronized (this) {
            shard = shards.remove(name);
            if (shard == null && unopened.remove(name) == null) {
                return false;
            }
            next = checkpoint.copy().removeShard(name);
            removed.add(name);
        }
        if (shard != null) {
            shard.close();
        }
        writeCheckpoint(next);
        final Path shardDir = dir.resolve(name);
        try {
            ShardRepair.deleteTree(shardDir);
        } catch (IOException e) {
            throw new JournalException("cannot delete the journal of shard " + name + " (" + shardDir + "): " + e, e);
        }
        LOG.info("journal {}: shard {} removed", dir, name);
        return true;
    }

    private volatile long checkpointWrittenMillis = -1;
    /** Set by close(), under both locks. */
    private boolean closed;
    /** Shards removed since open (and not opened again): a checkpoint that names one is older than the removal. */
    private final Set<String> removed = new TreeSet<>();
    /** Held while a checkpoint is written; taken before the journal's monitor, never inside it. */
    private final Object checkpointWrites = new Object();

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
    public void writeCheckpoint(Checkpoint next) {
        requireWritable();
        // one write at a time, in the order called; the fsyncs happen outside the journal's monitor, so a
        // thread that reads checkpoint() or opens a shard does not wait on the disk (issue 18: up to a second)
        synchronized (checkpointWrites) {
            if (closed) { // the lock is released: another process may own the directory now
                throw new JournalException("journal " + dir + " is closed: checkpoint not written");
            }
            synchronized (this) {
                for (String name : next.shards().keySet()) {
                    if (removed.contains(name)) { // built before removeShard: it would bring the shard's state back
                        throw new JournalException("checkpoint: shard " + name + " was removed from the journal");
                    }
                }
                for (Checkpoint.ReceiverState r : next.receivers()) {
                    final ShardJournal shard = shards.get(r.shard());
                    if (shard != null && r.ackedOffset() > shard.endOffset()) {
                        throw new JournalException("checkpoint: receiver " + r.receiver() + " of shard " + r.shard()
                            + " acknowledged " + r.ackedOffset() + " but the shard ends at " + shard.endOffset());
                    }
                }
            }
            checkpoints.write(next);
            synchronized (this) {
                checkpoint = next.copy();
            }
            checkpointWrittenMillis = System.currentTimeMillis();
        }
    }

    /** Wall-clock millis of the last checkpoint this process wrote, -1 before the first (what a checkpoint-age alert reads). */
    public long lastCheckpointMillis() {
        return checkpointWrittenMillis;
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

    private void requireWritable() {
        if (context.readOnly()) {
            throw new JournalException("journal " + dir + " is open read-only");
        }
    }

    private Checkpoint reconcile(Checkpoint loaded) {
        final Checkpoint fixed = loaded.copy();
        for (Checkpoint.ReceiverState r : loaded.receivers()) {
            if (unopened.containsKey(r.shard())) {
                continue; // reconciled once checked
            }
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

    /**
     * Closes every shard and releases the directory's lock: after a checkpoint being written is
     * done (its fsyncs may take long on a busy disk), never during it, so a process that takes
     * the lock next cannot meet this one's write of the same file; later writes fail.
     */
    @Override
    public void close() {
        synchronized (checkpointWrites) {
            synchronized (this) {
                closed = true;
                closeLocked();
            }
        }
    }

    private void closeLocked() {
        for (ShardJournal shard : shards.values()) {
            shard.close();
        }
        shards.clear();
        try {
            if (lock != null) {
                lock.close();
            }
        } catch (IOException e) {
            LOG.warn("journal {}: releasing the lock: {}", dir, e.toString());
        }
    }
}
