package io.redisreplica.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.router.sinks.EntryCommands;
import io.redisreplica.router.sinks.RedisConnection;
import io.redisreplica.router.tls.SocketFactory;

/**
 * Re-delivers a shard's journal to a Redis target as a client, exactly once: every batch of
 * commands goes in one MULTI/EXEC together with a checkpoint key that records the journal offset
 * it reached, so a replay interrupted anywhere and run again resumes where the target says it
 * is. For a Redis Cluster target, batches are per hash slot (a transaction cannot span slots)
 * with a checkpoint key per slot, sent to the slot's node and moved on MOVED. Needs nothing but
 * plain commands: works where REPLICAOF is forbidden (managed services).
 *
 * <p>A replay never crosses the start of a snapshot epoch: the entries after a new snapshot
 * continue that snapshot, not the data before it, so applying both to one target would mix two
 * histories.
 */
public final class ReplayEngine {
    /** What to replay, and where. {@code from}, {@code fromReceiver} and {@code to} may be null. */
    public record Options(Journal journal, String shard, Long from, String fromReceiver, Long to, String host, int port,
                          String user, String password, int batchEntries, String checkpointKey, Snapshot snapshot, boolean follow) {
        /** Journal only, once to the end (no snapshot load, no follow). */
        public Options(Journal journal, String shard, Long from, String fromReceiver, Long to, String host, int port, String user,
                       String password, int batchEntries, String checkpointKey) {
            this(journal, shard, from, fromReceiver, to, host, port, user, password, batchEntries, checkpointKey, null, false);
        }
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
    }

    /** How long {@code --follow} waits for new entries when it has replayed all there are. */
    private static final long FOLLOW_POLL_MS = 100;

    /** How long a slot may keep answering ASK (a migration in progress) before the replay gives up. */
    private static final long MIGRATION_WAIT_MS = 30_000;

    private final Options options;
    private final ShardJournal shardJournal;
    private final RespWriter writer = new RespWriter();
    private final EntryCommands commands = new EntryCommands();
    private final Queued queuedAt = new Queued();

    private SocketFactory sockets = SocketFactory.plain();

    public ReplayEngine(Options options) {
        this.options = options;
        if (!options.journal().shardNames().contains(options.shard())) {
            throw new IllegalArgumentException("the journal has no shard " + options.shard() + " (it has "
                + options.journal().shardNames() + ")");
        }
        this.shardJournal = options.journal().shard(options.shard());
    }

    /** How to connect to the target and the cluster's nodes: plain (the default) or TLS. */
    public ReplayEngine sockets(SocketFactory sockets) {
        this.sockets = sockets;
        return this;
    }

    /** Runs the replay to the end of the journal (or {@code to}). */
    public Result run(Listener listener) throws IOException {
        try (RedisConnection target = connect(options.host(), options.port())) {
            final boolean cluster = clusterEnabled(target);
            if (needsSnapshot(target)) {
                if (cluster) {
                    throw new IllegalArgumentException("shard " + options.shard() + ": the target is a Redis Cluster, where replay "
                        + "cannot load the snapshot yet; load " + options.snapshot().rdb() + " into it (e.g. with RESTOREs per node), "
                        + "then replay with --no-snapshot");
                }
                loadSnapshot(target, listener);
            }
            final long start = startOffset();
            Result result = cluster ? new ClusterReplay(target, listener).run(start) : standalone(target, start, listener);
            while (options.follow() && !Thread.currentThread().isInterrupted()) {
                // tail the journal: each round replays what was appended since (the targets' checkpoints say
                // where they are); a round starts only when the journal has grown
                try {
                    Thread.sleep(FOLLOW_POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (shardJournal.readEndOffset() <= result.endOffset()) {
                    continue;
                }
                final long from = Math.max(start, result.endOffset());
                final Result more = cluster ? new ClusterReplay(target, listener).run(from) : standalone(target, from, listener);
                result = new Result(result.startOffset(), Math.max(result.endOffset(), more.endOffset()), result.entries() + more.entries(),
                    result.commands() + more.commands(), result.skipped() + more.skipped(),
                    result.failedCommands() + more.failedCommands(), cluster);
            }
            return result;
        }
    }

    /** Whether the snapshot goes first: asked for, the replay starts at it, and the target has no checkpoint yet. */
    private boolean needsSnapshot(RedisConnection target) throws IOException {
        return options.snapshot() != null && options.from() == null && options.fromReceiver() == null
            && target.call("GET", options.checkpointKey()) == null;
    }

    /**
     * Loads the shard's snapshot, then records its offset as the target's checkpoint: the journal
     * continues from there. Refuses when the journal no longer holds the entries after it.
     */
    private void loadSnapshot(RedisConnection target, Listener listener) throws IOException {
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
        final SnapshotLoader.Result loaded = new SnapshotLoader(rdb, snapshot, target, options.snapshot().existing(),
            options.checkpointKey() + ":snapshot", Math.max(1, options.batchEntries()), read -> listener.snapshotProgress(read, length))
            .load();
        // the checkpoint and the load's marker change together: a stop between them leaves neither half
        target.call("MULTI");
        target.call("SET", options.checkpointKey(), Long.toString(snapshot));
        target.call("DEL", options.checkpointKey() + ":snapshot");
        target.call("EXEC");
        listener.snapshotLoaded(loaded);
    }

    private RedisConnection connect(String host, int port) throws IOException {
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
            final Checkpoint.ReceiverState r = options.journal().checkpoint().receiver(options.shard(), options.fromReceiver());
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
        final Checkpoint.ShardState state = options.journal().checkpoint().shards().get(options.shard());
        return state == null ? -1 : state.snapshotOffset();
    }

    /** Where this run stops: {@code to}, else the journal's end as it is now. */
    private long endOffset() {
        final long end = shardJournal.readEndOffset(); // the router may be appending: what the files hold now
        return options.to() == null ? end : Math.min(end, options.to());
    }

    /** A reader at {@code start}, once the range is known not to cross a snapshot epoch. */
    private JournalReader readerAt(long start, long end) {
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
            throw new IllegalArgumentException("shard " + options.shard() + " offset " + start + ": " + seek + " (the journal holds "
                + shardJournal.firstOffset() + ".." + shardJournal.endOffset() + ")");
        }
        return reader;
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
    private static boolean nextWithin(JournalReader reader, JournalEntry entry, long end) {
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

    /** Commands of a cluster slot's EXEC that failed (WRONGTYPE and the like), counted. */
    private static long errors(List<?> results) {
        long failed = 0;
        for (Object r : results) {
            if (r instanceof RespError) {
                failed++;
            }
        }
        return failed;
    }

    /** Per command queued in a standalone batch: its entry's offset and where its bytes lie in the batch. */
    private static final class Queued {
        private long[] entries = new long[1024];
        private int[] offsets = new int[1024];
        private int[] lengths = new int[1024];
        private int count;

        void clear() {
            count = 0;
        }

        void add(long entry, int offset, int length) {
            if (count == entries.length) {
                entries = java.util.Arrays.copyOf(entries, count * 2);
                offsets = java.util.Arrays.copyOf(offsets, count * 2);
                lengths = java.util.Arrays.copyOf(lengths, count * 2);
            }
            entries[count] = entry;
            offsets[count] = offset;
            lengths[count++] = length;
        }

        int count() {
            return count;
        }

        long entry(int i) {
            return entries[i];
        }

        int offset(int i) {
            return offsets[i];
        }

        int length(int i) {
            return lengths[i];
        }
    }

    private static boolean redirected(String error, String kind) {
        return error != null && error.startsWith(kind + " ");
    }

    /**
     * Cluster targets: per batch, one transaction per hash slot on the slot's node, each with the
     * slot's own checkpoint key ({@code {tag}key}, the tag chosen to hash to that slot). Entries
     * a slot's checkpoint already covers are skipped for that slot.
     */
    private final class ClusterReplay {
        private final RedisConnection seed;
        private final Listener listener;
        private final SlotSplitter splitter = new SlotSplitter();
        private final Map<String, RedisConnection> nodes = new HashMap<>();
        private final String[] slotNode = new String[ClusterSlots.SLOTS];
        private final long[] slotDone = new long[ClusterSlots.SLOTS];
        private final boolean[] slotKnown = new boolean[ClusterSlots.SLOTS];
        /** Per slot, the batch's commands, their byte length and count; reused from batch to batch. */
        private final ExpandableArrayBuffer[] slotBatch = new ExpandableArrayBuffer[ClusterSlots.SLOTS];
        private final int[] slotLength = new int[ClusterSlots.SLOTS];
        private final int[] slotCount = new int[ClusterSlots.SLOTS];
        private final int[] slotBatchId = new int[ClusterSlots.SLOTS];
        private final int[] touched = new int[ClusterSlots.SLOTS];
        private int touchedCount;
        private int batchId;
        private final ExpandableArrayBuffer tx = new ExpandableArrayBuffer(64 * 1024);
        private JournalEntry current;
        private long skipped;

        ClusterReplay(RedisConnection seed, Listener listener) throws IOException {
            this.seed = seed;
            this.listener = listener;
            refreshSlots();
        }

        private void refreshSlots() throws IOException {
            for (Object range : (List<?>) seed.call("CLUSTER", "SLOTS")) {
                final List<?> r = (List<?>) range;
                final List<?> master = (List<?>) r.get(2);
                final String node = master.get(0) + ":" + master.get(1);
                for (long s = (Long) r.get(0); s <= (Long) r.get(1); s++) {
                    slotNode[(int) s] = node;
                }
            }
        }

        private RedisConnection node(int slot) throws IOException {
            final String address = slotNode[slot];
            if (address == null) {
                throw new IOException("slot " + slot + " is served by no node of the cluster");
            }
            RedisConnection c = nodes.get(address);
            if (c == null) {
                final int colon = address.lastIndexOf(':');
                c = connect(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
                nodes.put(address, c);
            }
            return c;
        }

        private String slotKey(int slot) {
            return "{" + SlotTags.TAGS[slot] + "}" + options.checkpointKey();
        }

        /** The offset the slot's checkpoint says is applied, read from its node once. */
        private long done(int slot) throws IOException {
            if (!slotKnown[slot]) {
                final long deadline = System.currentTimeMillis() + MIGRATION_WAIT_MS;
                Object v;
                while ((v = node(slot).request("GET", slotKey(slot))) instanceof RespError e) {
                    redirectedOrThrow(slot, e.message(), deadline);
                }
                slotDone[slot] = v == null ? -1 : Long.parseLong(String.valueOf(v));
                slotKnown[slot] = true;
            }
            return slotDone[slot];
        }

        /** MOVED: the slot map changed, learn it. ASK: a migration is under way, wait for it. Anything else fails the run. */
        private void redirectedOrThrow(int slot, String error, long deadline) throws IOException {
            if (redirected(error, "ASK")) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("slot " + slot + " is still migrating after " + MIGRATION_WAIT_MS / 1000 + " s (" + error + ")");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while slot " + slot + " migrates", e);
                }
            } else if (!redirected(error, "MOVED")) {
                throw new IOException("slot " + slot + ": " + error);
            }
            refreshSlots();
        }

        Result run(long start) throws IOException {
            final long end = endOffset();
            long entries = 0;
            long sent = 0;
            long failed = 0;
            long reached = start;
            if (start >= end) {
                return new Result(start, start, 0, 0, 0, 0, true);
            }
            try (JournalReader reader = readerAt(start, end)) {
                final JournalEntry entry = new JournalEntry();
                current = entry;
                boolean more = true;
                while (more) {
                    touchedCount = 0;
                    batchId++;
                    int inBatch = 0;
                    while (inBatch < options.batchEntries() && (more = nextWithin(reader, entry, end))) {
                        failed += addEntry(entry);
                        reached = entry.endOffset();
                        inBatch++;
                    }
                    if (inBatch == 0) {
                        break;
                    }
                    for (int i = 0; i < touchedCount; i++) {
                        final int slot = touched[i];
                        failed += applySlot(slot, reached);
                        sent += slotCount[slot];
                    }
                    entries += inBatch;
                    listener.progress(start, reached, end);
                }
            } finally {
                for (RedisConnection c : nodes.values()) {
                    c.close();
                }
            }
            return new Result(start, reached, entries, sent, skipped, failed, true);
        }

        /** Queues the entry's commands in their slots' batches; returns how many it refused. */
        private long addEntry(JournalEntry entry) throws IOException {
            long refused = 0;
            commands.wrap(entry);
            while (commands.next()) {
                if (commands.db() != 0 && (entry.flags() & JournalEntryDescriptor.FLAG_NO_KEY) == 0) {
                    throw new IOException("entry at offset " + entry.startOffset() + " is for db " + commands.db()
                        + ": a cluster has only db 0");
                }
                final String why = splitter.split(commands.command(), commands.buffer(), commands.offset(), commands.length(), this::queue);
                if (why != null) {
                    refused++;
                    listener.refused(entry.startOffset(), commands.command().toString(), why);
                }
            }
            return refused;
        }

        private void queue(int slot, org.agrona.DirectBuffer bytes, int offset, int length) throws IOException {
            if (current.endOffset() <= done(slot)) {
                skipped++;
                return;
            }
            if (slotBatch[slot] == null) {
                slotBatch[slot] = new ExpandableArrayBuffer(1024);
            }
            if (slotBatchId[slot] != batchId) {
                slotBatchId[slot] = batchId;
                slotLength[slot] = 0;
                slotCount[slot] = 0;
                touched[touchedCount++] = slot;
            }
            slotBatch[slot].putBytes(slotLength[slot], bytes, offset, length);
            slotLength[slot] += length;
            slotCount[slot]++;
        }

        /** MULTI, the slot's commands, SET its checkpoint, EXEC, on the slot's node; sent again after MOVED or ASK. */
        private long applySlot(int slot, long reached) throws IOException {
            int len = writer.wrap(tx, 0).command("MULTI").position();
            tx.putBytes(len, slotBatch[slot], 0, slotLength[slot]);
            len += slotLength[slot];
            len = writer.wrap(tx, len).command("SET", slotKey(slot), Long.toString(reached)).position();
            len = writer.wrap(tx, len).command("EXEC").position();
            final long deadline = System.currentTimeMillis() + MIGRATION_WAIT_MS;
            while (true) {
                final RedisConnection node = node(slot);
                node.send(tx.byteArray(), 0, len);
                String redirect = null;
                for (int i = 0; i < slotCount[slot] + 2; i++) {
                    if (node.read() instanceof RespError err && redirect == null) {
                        redirect = err.message(); // a redirect at queue time aborts the EXEC: nothing applied
                    }
                }
                final Object exec = node.read();
                if (exec instanceof List<?> results) {
                    slotDone[slot] = reached;
                    slotKnown[slot] = true;
                    return errors(results);
                }
                redirectedOrThrow(slot, redirect != null ? redirect : String.valueOf(exec), deadline);
            }
        }
    }

    /** For each hash slot, a short string whose CRC16 lands in it: the tag of that slot's checkpoint key. */
    static final class SlotTags {
        static final String[] TAGS = new String[ClusterSlots.SLOTS];

        static {
            int found = 0;
            for (int i = 0; found < ClusterSlots.SLOTS; i++) {
                final byte[] b = Integer.toString(i, 36).getBytes(StandardCharsets.US_ASCII);
                final int slot = ClusterSlots.crc16(b, 0, b.length) & (ClusterSlots.SLOTS - 1);
                if (TAGS[slot] == null) {
                    TAGS[slot] = new String(b, StandardCharsets.US_ASCII);
                    found++;
                }
            }
        }

        private SlotTags() {
        }
    }
}
