package io.redisreplica.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalHistory;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.resp.RespClient;
import io.redisreplica.router.tls.SocketFactory;

/**
 * Re-delivers a shard's journal to a Redis target as a client, exactly once: every batch of
 * commands goes in one MULTI/EXEC together with a checkpoint key that records the journal offset
 * it reached, so a replay interrupted anywhere and run again resumes where the target says it
 * is. For a Redis Cluster target, batches are per hash slot (a transaction cannot span slots)
 * with a checkpoint key per slot, sent to the slot's node and moved on MOVED ({@link ClusterReplay}).
 * Needs nothing but plain commands: works where REPLICAOF is forbidden (managed services). The
 * shard's snapshot goes first when the target has none ({@link SnapshotLoader}, on a cluster
 * {@link ClusterSnapshotLoader}); the target records the snapshot epoch it loaded. Following
 * ({@link Follow}), a new snapshot of the shard ({@link SnapshotWatch} notices it) empties the
 * target and loads it again, as a replica's full resync does.
 *
 * <p>Over 300 lines: the records its callers build and read (options, result, listener, follow)
 * live with the engine they describe; the work is in {@link StandaloneReplay}, {@link ClusterReplay}
 * and {@link TargetSnapshot}.
 *
 * <p>A replay never crosses the start of a snapshot epoch: the entries after a new snapshot
 * continue that snapshot, not the data before it, so applying both to one target would mix two
 * histories.
 */
public final class ReplayEngine {
    /**
     * What to replay, and where. {@code from}, {@code fromReceiver} and {@code to} may be null;
     * {@code follow} is null for a replay that stops at the end of the journal.
     */
    public record Options(Journal journal, String shard, Long from, String fromReceiver, Long to, String host, int port,
                          String user, String password, int batchEntries, String checkpointKey, Snapshot snapshot, Follow follow) {
        /** Journal only, once to the end (no snapshot load, no follow). */
        public Options(Journal journal, String shard, Long from, String fromReceiver, Long to, String host, int port, String user,
                       String password, int batchEntries, String checkpointKey) {
            this(journal, shard, from, fromReceiver, to, host, port, user, password, batchEntries, checkpointKey, null, null);
        }
    }

    /** What the target gets when the shard has a new snapshot (a full sync of the master, a journal set aside). */
    public enum NewSnapshot {
        /** Empty the target (FLUSHALL, as a replica does at a full resync), load the new snapshot, go on. */
        RELOAD,
        /** Stop with an error that says so; the target is left as it is. */
        STOP
    }

    /**
     * Keep replaying what the router appends, until interrupted.
     *
     * @param reopen opens the journal again (read-only): after a new snapshot its checkpoint and,
     *     after a set-aside, its files are new
     */
    public record Follow(NewSnapshot onNewSnapshot, Supplier<Journal> reopen) {
    }

    /**
     * The shard's snapshot RDB, loaded into the target first when the replay starts at the
     * snapshot (no {@code from}, no receiver) and the target has no checkpoint yet.
     */
    public record Snapshot(Path rdb, SnapshotLoader.Existing existing) {
    }

    /** What a run did. */
    public record Result(long startOffset, long endOffset, long entries, long commands, long skipped, long failedCommands,
                         boolean cluster) {
    }

    /** Hears what a run does, as it does it. */
    public interface Listener {
        /** After each batch: the shard offsets the run started at, has reached, and will end at. */
        default void progress(long startOffset, long reachedOffset, long endOffset) {
        }

        /** The snapshot load: {@code bytesRead} of the RDB read so far. */
        default void snapshotProgress(long bytesRead, long rdbLength) {
        }

        /** The snapshot is in the target: what the load did. */
        default void snapshotLoaded(SnapshotLoader.Result result) {
        }

        /** A command the target cannot take, with the offset of its entry; counted as failed. */
        default void refused(long entryOffset, String command, String why) {
        }

        /** The shard offset the target has applied (after each batch, each round, and following, each poll). */
        default void applied(long offset) {
        }

        /** Following: the shard has a new snapshot; {@code why} says what the target gets. */
        default void newSnapshot(String why) {
        }
    }

    /**
     * How long {@code --follow} waits before it looks for new entries again when it has replayed all
     * there are: a read-only journal has no signal from the router's process, and a look costs a
     * read of the last entry's header, so 1 ms keeps the follower's lag near the target's own.
     */
    private static final long FOLLOW_IDLE_NANOS = 1_000_000;

    private final Options options;
    /** The journal read: the one given, or one {@link Follow#reopen} opened (closed by this engine). */
    private Journal journal;
    private ShardJournal shardJournal;

    /** Following: notices a restart of the router, whose new line the checkpoints must name from then on. */
    private LineWatch lines;
    private SocketFactory sockets = SocketFactory.plain();
    private ReplayTarget.BodySent bodySent = reached -> { };
    private final TargetSnapshot snapshots;

    public ReplayEngine(Options options) {
        this.options = options;
        use(options.journal());
        this.snapshots = new TargetSnapshot(this);
    }

    private void use(Journal j) {
        if (!j.shardNames().contains(options.shard())) {
            throw new IllegalArgumentException("the journal has no shard " + options.shard() + " (it has " + j.shardNames() + ")");
        }
        this.journal = j;
        this.shardJournal = j.shard(options.shard());
    }

    Options options() {
        return options;
    }

    /** The shard's journal as last opened. */
    ShardJournal shardJournal() {
        return shardJournal;
    }

    /** How to connect to the target and the cluster's nodes: plain (the default) or TLS. */
    public ReplayEngine sockets(SocketFactory sockets) {
        this.sockets = sockets;
        return this;
    }

    /** Runs the replay to the end of the journal (or {@code to}); following, until interrupted. */
    public Result run(Listener listener) throws IOException {
        try (RespClient target = connect(options.host(), options.port())) {
            final boolean cluster = clusterEnabled(target);
            try (ReplayTarget replay = cluster ? new ClusterReplay(this, target, listener).bodySent(bodySent)
                : new StandaloneReplay(this, target, listener).bodySent(bodySent)) {
                return run(target, cluster, replay, listener);
            }
        } finally {
            if (journal != options.journal()) {
                journal.close();
            }
        }
    }

    private Result run(RespClient target, boolean cluster, ReplayTarget replay, Listener listener) throws IOException {
        // following, a new snapshot is noticed with --no-snapshot too: the journal after it continues data the target lacks;
        // made now, just after the journal was opened (see SnapshotWatch)
        final SnapshotWatch watch = options.follow() == null ? null : new SnapshotWatch(options.snapshot() != null
            ? options.snapshot().rdb() : journal.dir().resolve("snapshots").resolve(options.shard() + ".rdb"));
        lines = options.follow() == null ? null : new LineWatch(shardJournal);
        if (snapshots.olderInTarget(target, cluster)) {
            snapshots.reload(target, cluster, listener, "the target holds an older snapshot of the shard than the journal's");
        }
        if (snapshots.needed(target, cluster)) {
            snapshots.load(target, cluster, listener);
        }
        long start = startOffset();
        long epoch = epoch();
        Result result = replay.run(start, options.follow() != null);
        listener.applied(result.endOffset());
        boolean behind = false;
        while (options.follow() != null && !Thread.currentThread().isInterrupted()) {
            // tail the journal: each round replays what was appended since (the target's checkpoint says where it is)
            if (watch != null && watch.changed()) {
                replay.releaseReader(); // the journal is opened again: a reader of the old one must go first
                final long now = reopened(watch);
                replay.reopened();
                if (now != epoch) {
                    snapshots.reload(target, cluster, listener, "the shard has a new snapshot (epoch " + epoch() + ", was " + epoch + ")");
                    replay.forget(); // the target was emptied: its checkpoints are the load's now
                    behind = false;
                    epoch = epoch();
                    start = startOffset();
                    result = add(result, new Result(start, start, 0, 0, 0, 0, false));
                }
            }
            listener.applied(result.endOffset());
            if (behind || shardJournal.readEndOffset() <= result.endOffset()) {
                LockSupport.parkNanos(FOLLOW_IDLE_NANOS); // returns at once when interrupted: the loop's test ends it
                continue;
            }
            try {
                result = add(result, replay.run(Math.max(start, result.endOffset()), true));
            } catch (SeekFailed e) {
                if (e.seek != SeekResult.BEFORE_START) {
                    throw e;
                }
                // retention took entries the target still needs (past the journal's size or age limit): only a
                // new snapshot brings the target back, and the router takes one when its own falls behind
                behind = true;
                listener.newSnapshot(e.getMessage() + ": the target fell behind the journal's retention; waiting for the "
                    + "shard's next snapshot");
            }
            listener.applied(result.endOffset());
        }
        return result;
    }

    /** A run's figures so far, then one more round: its end is where the round ended. */
    private static Result add(Result so, Result more) {
        return new Result(so.startOffset(), more.endOffset(), so.entries() + more.entries(), so.commands() + more.commands(),
            so.skipped() + more.skipped(), so.failedCommands() + more.failedCommands(), so.cluster() || more.cluster());
    }

    /** Opens the journal again, to read its checkpoint (and files) as they are now, and returns the shard's epoch there. */
    private long reopened(SnapshotWatch watch) {
        final long before = epoch();
        reopen();
        final long now = epoch();
        watch.looked(now != before);
        return now;
    }

    private void reopen() {
        final Journal fresh = options.follow().reopen().get();
        if (journal != options.journal()) {
            journal.close();
        }
        use(fresh);
    }

    /**
     * Following, with a batch read and before its checkpoint is written: whether the router may
     * have opened the journal again since the last look (a restart adds a line to its history);
     * then the replay lets its reader go and calls {@link #onNewLine}.
     */
    boolean newLine() {
        return lines != null && lines.changed();
    }

    /**
     * Opens the journal again and moves {@code checkpoint} onto its current line: the batch just
     * read starts at {@code from}, and what came before it was read on the old line, which the new
     * one shares up to where it starts (the router's journal end at its start); the batch's
     * entries past that are the new line's own. When the new line parts below {@code from} (the
     * journal cut back at the router's start, under entries this replay read), the checkpoints go
     * on naming the old line: read back, they resolve as a journal that parted there, as it did.
     */
    void onNewLine(ReplayCheckpoint checkpoint, long from) {
        final String was = checkpoint.lineId();
        reopen();
        final JournalHistory history = shardJournal.history();
        if (was == null || history.resolve(was, from).match() == JournalHistory.Match.SAME) {
            checkpoint.line(history.currentId());
        }
    }

    /** The shard's snapshot epoch in the journal's checkpoint, -1 when it names none. */
    long epoch() {
        final Checkpoint.ShardState state = journal.checkpoint().shards().get(options.shard());
        return state == null ? -1 : state.epoch();
    }

    /** Test hook: runs after each batch is sent (a standalone batch's body, a cluster batch's first share), before its EXEC. */
    ReplayEngine bodySent(ReplayTarget.BodySent hook) {
        this.bodySent = hook;
        return this;
    }

    /** A connection to the (standalone) target that keeps batches in flight. */
    Pipeline pipeline() throws IOException {
        return pipeline(options.host(), options.port());
    }

    /** A connection that keeps batches in flight to the target or, on a cluster, one of its nodes. */
    Pipeline pipeline(String host, int port) throws IOException {
        return Pipeline.open(host, port, options.user(), options.password(), "target", sockets);
    }

    RespClient connect(String host, int port) throws IOException {
        // errors name the address; TLS when the command line or the config asks for it
        return RedisConnections.open(host, port, options.user(), options.password(), "target", false, sockets);
    }

    private static boolean clusterEnabled(RespClient c) throws IOException {
        return String.valueOf(c.call("INFO", "cluster")).contains("cluster_enabled:1");
    }

    /**
     * The offset to start from: {@code from}, else the named receiver's acknowledged offset, else
     * the current snapshot's (or the first entry, when the journal has lost the snapshot's start).
     */
    private long startOffset() {
        if (options.from() != null) {
            return options.from();
        }
        if (options.fromReceiver() != null) {
            final Checkpoint.ReceiverState r = journal.checkpoint().receiver(options.shard(), options.fromReceiver());
            if (r == null) {
                throw new IllegalArgumentException("the checkpoint has no receiver " + options.fromReceiver() + " of shard "
                    + options.shard());
            }
            return r.ackedOffset();
        }
        return Math.max(shardJournal.firstOffset(), snapshotOffset());
    }

    /** Where the shard's current snapshot epoch starts, or -1 when the checkpoint names none. */
    long snapshotOffset() {
        final Checkpoint.ShardState state = journal.checkpoint().shards().get(options.shard());
        return state == null ? -1 : state.snapshotOffset();
    }

    /** Where this run stops: {@code to}, else the journal's end as it is now. */
    long endOffset() {
        final long end = shardJournal.readEndOffset(); // the router may be appending: what the files hold now
        return options.to() == null ? end : Math.min(end, options.to());
    }

    /** A reader at {@code start}, once the range is known not to cross a snapshot epoch. */
    JournalReader readerAt(long start, long end) {
        final long snapshot = snapshotOffset();
        if (start < snapshot && end > snapshot) {
            throw new IllegalArgumentException("shard " + options.shard() + ": offsets " + start + ".." + end + " cross the start of "
                + "the current snapshot epoch at offset " + snapshot + "; the entries after it continue that snapshot, not the data "
                + "before it. Replay with --to " + snapshot + ", or load the shard's snapshot (JOURNAL/snapshots/" + options.shard()
                + ".rdb) into the target and replay from " + snapshot);
        }
        final JournalReader reader = shardJournal.reader();
        final SeekResult seek = reader.seek(start);
        if (seek != SeekResult.BOUNDARY) {
            reader.close();
            throw new SeekFailed(seek, "shard " + options.shard() + " offset " + start + ": " + seek + " (the journal holds "
                + shardJournal.firstOffset() + ".." + shardJournal.endOffset() + ")");
        }
        return reader;
    }

    /** The journal cannot be read from where the target is: {@link SeekResult#BEFORE_START} when retention took it. */
    static final class SeekFailed extends IllegalArgumentException {
        final SeekResult seek;

        SeekFailed(SeekResult seek, String message) {
            super(message);
            this.seek = seek;
        }
    }

    /** The next entry, if the journal has one that ends within {@code end} (an entry is never cut). */
    static boolean nextWithin(JournalReader reader, JournalEntry entry, long end) {
        return reader.next(entry) && entry.endOffset() <= end;
    }

}
