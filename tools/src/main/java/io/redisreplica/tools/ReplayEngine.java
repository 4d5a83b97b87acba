package io.redisreplica.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.resp.RespError;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.sinks.EntryCommands;
import io.redisreplica.router.sinks.RedisConnection;
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

        /** The shard offset the target has applied (after each round and, following, at each poll). */
        default void applied(long offset) {
        }

        /** Following: the shard has a new snapshot; {@code why} says what the target gets. */
        default void newSnapshot(String why) {
        }
    }

    /** How long {@code --follow} waits for new entries when it has replayed all there are. */
    private static final long FOLLOW_POLL_MS = 100;

    private final Options options;
    /** The journal read: the one given, or one {@link Follow#reopen} opened (closed by this engine). */
    private Journal journal;
    private ShardJournal shardJournal;
    private final RespWriter writer = new RespWriter();
    private final EntryCommands commands = new EntryCommands();
    private final QueuedCommands queuedAt = new QueuedCommands();

    private SocketFactory sockets = SocketFactory.plain();

    public ReplayEngine(Options options) {
        this.options = options;
        use(options.journal());
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

    /** How to connect to the target and the cluster's nodes: plain (the default) or TLS. */
    public ReplayEngine sockets(SocketFactory sockets) {
        this.sockets = sockets;
        return this;
    }

    /** Runs the replay to the end of the journal (or {@code to}); following, until interrupted. */
    public Result run(Listener listener) throws IOException {
        try (RedisConnection target = connect(options.host(), options.port())) {
            final boolean cluster = clusterEnabled(target);
            final SnapshotWatch watch = options.snapshot() == null ? null : new SnapshotWatch(options.snapshot().rdb());
            if (olderSnapshotInTarget(target, cluster)) {
                newSnapshot(target, cluster, listener, "the target holds an older snapshot of the shard than the journal's");
            }
            if (needsSnapshot(target, cluster)) {
                loadSnapshot(target, cluster, listener);
            }
            long start = startOffset();
            long epoch = epoch();
            Result result = round(cluster, target, start, listener);
            listener.applied(result.endOffset());
            boolean behind = false;
            while (options.follow() != null && !Thread.currentThread().isInterrupted()) {
                // tail the journal: each round replays what was appended since (the targets' checkpoints say
                // where they are); a round starts only when the journal has grown
                try {
                    Thread.sleep(FOLLOW_POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (watch != null && watch.changed() && reopened(watch) != epoch) {
                    newSnapshot(target, cluster, listener, "the shard has a new snapshot (epoch " + epoch() + ", was " + epoch + ")");
                    behind = false;
                    epoch = epoch();
                    start = startOffset();
                    result = add(result, new Result(start, start, 0, 0, 0, 0, false));
                }
                listener.applied(result.endOffset());
                if (shardJournal.readEndOffset() <= result.endOffset() || behind) {
                    continue;
                }
                try {
                    result = add(result, round(cluster, target, Math.max(start, result.endOffset()), listener));
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
        } finally {
            if (journal != options.journal()) {
                journal.close();
            }
        }
    }

    /** A run's figures so far, then one more round: its end is where the round ended. */
    private static Result add(Result so, Result more) {
        return new Result(so.startOffset(), more.endOffset(), so.entries() + more.entries(), so.commands() + more.commands(),
            so.skipped() + more.skipped(), so.failedCommands() + more.failedCommands(), so.cluster() || more.cluster());
    }

    private Result round(boolean cluster, RedisConnection target, long from, Listener listener) throws IOException {
        return cluster ? new ClusterReplay(this, target, listener).run(from) : standalone(target, from, listener);
    }

    /** Opens the journal again, to read its checkpoint (and files) as they are now, and returns the shard's epoch there. */
    private long reopened(SnapshotWatch watch) {
        final long before = epoch();
        final Journal fresh = options.follow().reopen().get();
        if (journal != options.journal()) {
            journal.close();
        }
        use(fresh);
        final long now = epoch();
        watch.looked(now != before);
        return now;
    }

    /**
     * The shard's history changed under the target: stop, or empty the target and load the new
     * snapshot (FLUSHALL takes the checkpoint keys too: a stop anywhere after it is a fresh load).
     */
    private void newSnapshot(RedisConnection target, boolean cluster, Listener listener, String why) throws IOException {
        if (options.follow() == null || options.follow().onNewSnapshot() == NewSnapshot.STOP) {
            throw new IllegalArgumentException("shard " + options.shard() + ": " + why + "; the target's data continues the old one, "
                + "the journal the new one. Empty the target and replay again (it loads the new snapshot), or replay with --follow "
                + "(--on-new-snapshot reload), which does that");
        }
        listener.newSnapshot(why + ": emptying the target (FLUSHALL" + (cluster ? " on every master" : "") + ") and loading the new snapshot");
        if (cluster) {
            try (ClusterNodes nodes = new ClusterNodes(target, this::connect)) {
                for (RedisConnection master : nodes.masters()) {
                    master.call("FLUSHALL");
                }
            }
        } else {
            target.call("FLUSHALL");
        }
        loadSnapshot(target, cluster, listener);
    }

    /** The shard's snapshot epoch in the journal's checkpoint, -1 when it names none. */
    private long epoch() {
        final Checkpoint.ShardState state = journal.checkpoint().shards().get(options.shard());
        return state == null ? -1 : state.epoch();
    }

    /** The target records (at its snapshot load) an epoch older than the journal's current one. */
    private boolean olderSnapshotInTarget(RedisConnection target, boolean cluster) throws IOException {
        if (options.snapshot() == null || options.from() != null || options.fromReceiver() != null) {
            return false;
        }
        final Object stored = get(target, cluster, loadKey(cluster) + ":epoch");
        return stored != null && Long.parseLong(String.valueOf(stored)) < epoch();
    }

    /**
     * The key that says the target holds the snapshot (the offset it continues from), and the
     * stem of the load's marker ({@code :snapshot}) and epoch ({@code :epoch}) keys: the
     * checkpoint key on a standalone target; on a cluster the checkpoint key of slot 0
     * ({@link ClusterReplay.SlotTags}), hash-tagged so that the three live on one node and
     * change in one transaction.
     */
    private String loadKey(boolean cluster) {
        return cluster ? "{" + ClusterReplay.SlotTags.TAGS[0] + "}" + options.checkpointKey() : options.checkpointKey();
    }

    private Object get(RedisConnection target, boolean cluster, String key) throws IOException {
        if (!cluster) {
            return target.call("GET", key);
        }
        try (ClusterNodes nodes = new ClusterNodes(target, this::connect)) {
            final Object v = nodes.request(0, "GET", key);
            if (v instanceof RespError e) {
                throw new IOException("GET " + key + ": " + e.message());
            }
            return v;
        }
    }

    /** Whether the snapshot goes first: asked for, the replay starts at it, and the target has no checkpoint yet. */
    private boolean needsSnapshot(RedisConnection target, boolean cluster) throws IOException {
        return options.snapshot() != null && options.from() == null && options.fromReceiver() == null
            && get(target, cluster, loadKey(cluster)) == null;
    }

    /**
     * Loads the shard's snapshot, then records its offset as the target's checkpoint: the journal
     * continues from there. Refuses when the journal no longer holds the entries after it.
     */
    private void loadSnapshot(RedisConnection target, boolean cluster, Listener listener) throws IOException {
        final long snapshot = snapshotOffset();
        final Path rdb = options.snapshot().rdb();
        if (snapshot < 0 || !Files.exists(rdb)) {
            throw new IllegalArgumentException("shard " + options.shard() + " has no snapshot (" + rdb + ", offset " + snapshot
                + " in the checkpoint): run the router until its first full sync, or replay with --no-snapshot");
        }
        if (shardJournal.firstOffset() > snapshot) {
            throw new IllegalArgumentException("shard " + options.shard() + ": the journal starts at offset " + shardJournal.firstOffset()
                + ", after the snapshot at " + snapshot + ": the entries between are gone (retention), so the target cannot be brought "
                + "to the shard's state from them; keep more journal (journal-retention) or let the router take a new snapshot");
        }
        final long length = Files.size(rdb);
        final String key = loadKey(cluster);
        final LongConsumer progress = read -> listener.snapshotProgress(read, length);
        final int batch = Math.max(1, options.batchEntries());
        final SnapshotLoader.Result loaded;
        if (cluster) {
            try (ClusterNodes nodes = new ClusterNodes(target, this::connect)) {
                loaded = new ClusterSnapshotLoader(rdb, snapshot, nodes, options.snapshot().existing(), key + ":snapshot", batch, progress)
                    .load();
                markLoaded(nodes.node(0), key, snapshot); // slot 0's node: the three keys hash there
            }
        } else {
            loaded = new SnapshotLoader(rdb, snapshot, target, options.snapshot().existing(), key + ":snapshot", batch, progress).load();
            markLoaded(target, key, snapshot);
        }
        listener.snapshotLoaded(loaded);
    }

    /**
     * The checkpoint (the snapshot's offset: the journal continues from there), the epoch loaded
     * and the end of the load's marker, in one transaction: a stop between them leaves neither half.
     */
    private void markLoaded(RedisConnection node, String key, long snapshot) throws IOException {
        node.call("MULTI");
        node.call("SET", key, Long.toString(snapshot));
        node.call("SET", key + ":epoch", Long.toString(epoch()));
        node.call("DEL", key + ":snapshot");
        final Object exec = node.call("EXEC");
        if (!(exec instanceof List<?>)) {
            throw new IOException("the target refused to record the snapshot load: " + exec);
        }
    }

    RedisConnection connect(String host, int port) throws IOException {
        // errors name the address; TLS when the command line or the config asks for it
        return RedisConnections.open(host, port, options.user(), options.password(), "target", false, sockets);
    }

    private static boolean clusterEnabled(RedisConnection c) throws IOException {
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
    private long snapshotOffset() {
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

    /** One connection, db-aware: batches of entries each in MULTI ... SET checkpoint ... EXEC. */
    private Result standalone(RedisConnection target, long requestedStart, Listener listener) throws IOException {
        final Object stored = target.call("GET", options.checkpointKey());
        final long done = stored == null ? -1 : Long.parseLong(String.valueOf(stored));
        final long start = Math.max(requestedStart, done);
        final long end = endOffset();
        if (start >= end) {
            return new Result(start, start, 0, 0, 0, 0, false);
        }
        long entries = 0;
        long sent = 0;
        long failed = 0;
        long reached = start;
        int connDb = 0; // a new connection is on db 0
        final ExpandableArrayBuffer batch = new ExpandableArrayBuffer(64 * 1024);
        try (JournalReader reader = readerAt(start, end)) {
            final JournalEntry entry = new JournalEntry();
            boolean more = true;
            while (more) {
                int length = writer.wrap(batch, 0).command("MULTI").position();
                int queued = 0;
                int inBatch = 0;
                queuedAt.clear();
                while (inBatch < options.batchEntries() && (more = nextWithin(reader, entry, end))) {
                    commands.wrap(entry);
                    while (commands.next()) {
                        if (commands.db() != connDb && (entry.flags() & JournalEntryDescriptor.FLAG_NO_KEY) == 0) {
                            final int selectAt = length;
                            length = writer.wrap(batch, length).arrayHeader(2).bulk("SELECT").bulk(commands.db()).position();
                            queuedAt.add(entry.startOffset(), selectAt, length - selectAt);
                            connDb = commands.db();
                            queued++;
                        }
                        queuedAt.add(entry.startOffset(), length, commands.length());
                        batch.putBytes(length, commands.buffer(), commands.offset(), commands.length());
                        length += commands.length();
                        queued++;
                    }
                    reached = entry.endOffset();
                    inBatch++;
                }
                if (inBatch == 0) {
                    break;
                }
                if (connDb != 0) { // the checkpoint lives in db 0
                    length = writer.wrap(batch, length).arrayHeader(2).bulk("SELECT").bulk(0).position();
                    connDb = 0;
                    queued++;
                }
                length = writer.wrap(batch, length).command("SET", options.checkpointKey(), Long.toString(reached)).position();
                length = writer.wrap(batch, length).command("EXEC").position();
                target.send(batch.byteArray(), 0, length);
                for (int i = 0; i < queued + 2; i++) { // +OK to MULTI, +QUEUED to each command and to the SET
                    target.read();
                }
                final Object exec = target.read();
                if (!(exec instanceof List<?> results)) {
                    throw new IOException("the target refused the batch ending at offset " + reached + ": " + exec);
                }
                failed += errors(results, batch, listener);
                entries += inBatch;
                sent += queued;
                listener.progress(start, reached, end);
            }
        }
        return new Result(start, reached, entries, sent, 0, failed, false);
    }

    /** The next entry, if the journal has one that ends within {@code end} (an entry is never cut). */
    static boolean nextWithin(JournalReader reader, JournalEntry entry, long end) {
        return reader.next(entry) && entry.endOffset() <= end;
    }

    /**
     * Commands of an EXEC that failed on the target (WRONGTYPE and the like: the rest of the
     * transaction applied), each reported with its entry's offset and its text, read back from the
     * batch (only on this rare path).
     */
    private long errors(List<?> results, ExpandableArrayBuffer batch, Listener listener) {
        long failed = 0;
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof RespError e) {
                failed++;
                if (i < queuedAt.count()) {
                    final io.redisreplica.resp.CommandFramer framer =
                        new io.redisreplica.resp.CommandFramer(io.redisreplica.resp.RespDecoderContext.preChecked());
                    final String text = framer.frame(batch, queuedAt.offset(i), queuedAt.length(i)) > 0 ? framer.command().toString() : "?";
                    listener.refused(queuedAt.entry(i), text, e.message());
                }
            }
        }
        return failed;
    }



}
