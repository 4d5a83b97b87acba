package io.redisreplica.tools;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.resp.RespError;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.sinks.EntryCommands;
import io.redisreplica.resp.RespClient;

/**
 * A {@link ReplayEngine} run into a Redis Cluster: per batch of entries, one transaction per hash
 * slot ({@link SlotBatch}) with the slot's own checkpoint key ({@link SlotCheckpoints}), so each
 * slot is applied exactly once whatever node serves it; entries a slot's checkpoint already covers
 * are skipped for that slot. Each node gets its share of a batch in one write on its
 * {@link Pipeline}, and batches overlap as {@link StandaloneReplay}'s do:
 *
 * <pre>
 *   send batch k+1's transactions of slots batch k does not touch    whole: nothing of theirs in flight
 *   read batch k's replies, per slot                                 applied, redirected, or the replay stops
 *   send batch k+1's other transactions                              only now: a slot's batch applies only after its last one did
 * </pre>
 *
 * A slot's transaction refused by MOVED, ASK or TRYAGAIN (the slot moved, or is moving, while the
 * replay runs: {@link ClusterNodes}) applied nothing, as Redis refuses the whole transaction; it is
 * sent again whole, to the node that serves the slot now, before anything later of its slot. Its
 * checkpoint key lives in the slot and moves with it, so a stop anywhere leaves every slot at its
 * last applied batch. Lives for the engine's run: following, it keeps its connections, its reader
 * and the slots' checkpoints from round to round.
 *
 * <p>Over 300 lines: the send, confirm and send-again steps are one protocol whose ordering
 * argument above covers them together; the batch ({@link SlotBatch}) and the checkpoints
 * ({@link SlotCheckpoints}) live apart.
 */
final class ClusterReplay implements ReplayTarget {
    /** A batch is cut at this many bytes even before {@code --batch} entries. */
    private static final int BATCH_BYTES = 4 << 20;

    private final ReplayEngine engine;
    private final RespClient seed;
    private final ReplayEngine.Listener listener;
    private final int batchEntries;
    private final RespWriter writer = new RespWriter();
    private final EntryCommands commands = new EntryCommands();
    private final SlotSplitter splitter = new SlotSplitter();
    private final JournalEntry entry = new JournalEntry();
    private final SlotCheckpoints checkpoints;
    /** Two batches: one built while the other is in flight. */
    private final SlotBatch[] batches = {new SlotBatch(), new SlotBatch()};
    private int nextBatch;
    private int batchIds;
    /** The batch {@link #queue} adds to. */
    private SlotBatch filling;
    /** The slot map and a plain connection per master (checkpoint reads, a refused transaction sent again); null until needed. */
    private ClusterNodes nodes;
    /** Per master's address, its pipeline and the bytes waiting to go out on it. */
    private final Map<String, Node> pipes = new HashMap<>();
    private JournalReader reader;
    /** Where the next batch starts: a reader let go at a new journal line is opened again there. */
    private long next;
    /** The checkpoints' value: the offset on the journal's line (no upstream offset: a slot's entries are not all of them). */
    private ReplayCheckpoint position;
    private long skipped;
    private BodySent bodySent = reached -> { };

    /** A master's pipeline, and its share of the transactions being sent, written at once. */
    private static final class Node {
        final Pipeline pipe;
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(64 * 1024);
        int length;
        int replies;

        Node(Pipeline pipe) {
            this.pipe = pipe;
        }
    }

    ClusterReplay(ReplayEngine engine, RespClient seed, ReplayEngine.Listener listener) {
        this.engine = engine;
        this.seed = seed;
        this.listener = listener;
        this.batchEntries = engine.options().batchEntries();
        this.checkpoints = new SlotCheckpoints(engine.options().checkpointKey());
    }

    ClusterReplay bodySent(BodySent hook) {
        this.bodySent = hook;
        return this;
    }

    @Override
    public ReplayEngine.Result run(long requestedStart, boolean tail) throws IOException {
        try {
            return replay(requestedStart, tail);
        } catch (IOException | RuntimeException e) {
            forget(); // what the connections hold is not known: a next round reads the checkpoints again
            throw e;
        }
    }

    private ReplayEngine.Result replay(long start, boolean tail) throws IOException {
        if (nodes == null) {
            nodes = new ClusterNodes(seed, engine::connect);
        }
        if (!checkpoints.known()) {
            position = new ReplayCheckpoint(engine.shardJournal().history().currentId());
            checkpoints.read(nodes, position, engine.shardJournal().history(), engine.options().shard());
        }
        final long end = engine.endOffset();
        if (start >= end) {
            return new ReplayEngine.Result(start, start, 0, 0, 0, 0, true);
        }
        if (reader == null || reader.position() != start) {
            releaseReader();
            reader = engine.readerAt(start, end);
        }
        next = start;
        final long bound = tail ? Long.MAX_VALUE : end;
        final long skippedBefore = skipped;
        long entries = 0;
        long sent = 0;
        long failed = 0;
        SlotBatch executing = null;
        while (true) {
            final SlotBatch batch = batches[nextBatch];
            nextBatch ^= 1;
            failed += fill(batch, bound);
            if (batch.entries == 0) {
                break;
            }
            send(batch, executing);
            bodySent.sent(batch.reached);
            if (executing != null) {
                failed += confirm(executing, start, end);
            }
            send(batch, null); // what waited for the batch before
            executing = batch;
            entries += batch.entries;
            sent += batch.commands;
        }
        long reached = start;
        if (executing != null) {
            failed += confirm(executing, start, end);
            reached = executing.reached;
        }
        return new ReplayEngine.Result(start, reached, entries, sent, skipped - skippedBefore, failed, true);
    }

    /** Reads entries into the batch's slot transactions and seals them; returns how many commands no cluster can take. */
    private long fill(SlotBatch batch, long bound) throws IOException {
        batch.start(++batchIds);
        filling = batch;
        if (reader == null) {
            reader = engine.readerAt(next, next);
        }
        final long from = next; // entries before it were read before this batch: on the line the checkpoint names
        long refused = 0;
        while (batch.entries < batchEntries && batch.size < BATCH_BYTES && ReplayEngine.nextWithin(reader, entry, bound)) {
            commands.wrap(entry);
            while (commands.next()) {
                if (commands.db() != 0 && (entry.flags() & JournalEntryDescriptor.FLAG_NO_KEY) == 0) {
                    throw new IOException("entry at offset " + entry.startOffset() + " is for db " + commands.db()
                        + ": a cluster has only db 0");
                }
                final String why = splitter.split(commands.command(), commands.buffer(), commands.offset(), commands.length(),
                    this::queue);
                if (why != null) {
                    refused++;
                    listener.refused(entry.startOffset(), commands.command().toString(), why);
                }
            }
            batch.reached = entry.endOffset();
            batch.entries++;
        }
        if (batch.entries > 0) {
            next = batch.reached;
            if (engine.newLine()) { // the router started again: these entries may be on its new line only
                releaseReader();
                engine.onNewLine(position, from);
            }
            batch.seal(checkpoints, position.text(), position.format(batch.reached), writer);
        }
        return refused;
    }

    private void queue(int slot, DirectBuffer bytes, int offset, int length) {
        if (entry.endOffset() <= checkpoints.done(slot)) {
            skipped++; // the slot applied it in an earlier run
            return;
        }
        filling.add(slot, bytes, offset, length);
    }

    /**
     * Sends the batch's transactions not sent yet, each to its slot's node, a write per node;
     * with {@code before} in flight, only those of slots it does not touch.
     */
    private void send(SlotBatch batch, SlotBatch before) throws IOException {
        for (int i = 0; i < batch.touchedCount(); i++) {
            final int slot = batch.touched(i);
            if (batch.sentTo(slot) != null || (before != null && before.holds(slot))) {
                continue;
            }
            final Node node = node(nodes.address(slot));
            batch.sent(slot, node.pipe, node.pipe.requested() + node.replies);
            node.out.putBytes(node.length, batch.bytes(slot), 0, batch.length(slot));
            node.length += batch.length(slot);
            node.replies += batch.replies(slot);
        }
        for (Node node : pipes.values()) {
            if (node.length > 0) {
                node.pipe.send(node.out.byteArray(), 0, node.length, node.replies);
                node.length = 0;
                node.replies = 0;
            }
        }
    }

    private Node node(String address) throws IOException {
        Node node = pipes.get(address);
        if (node == null) {
            final int colon = address.lastIndexOf(':');
            node = new Node(engine.pipeline(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
            pipes.put(address, node);
        }
        return node;
    }

    /**
     * Reads each slot transaction's replies: applied (the commands that failed in it, WRONGTYPE
     * and the like, counted), or redirected and sent again until applied; refused otherwise (a
     * command refused when queued) stops the replay.
     */
    private long confirm(SlotBatch batch, long start, long end) throws IOException {
        long failed = 0;
        for (int i = 0; i < batch.touchedCount(); i++) {
            final int slot = batch.touched(i);
            final Pipeline pipe = batch.sentTo(slot);
            final long exec = batch.execReply(slot);
            pipe.await(exec + 1);
            String refusedBy = null;
            long inExec = 0;
            for (Pipeline.ReplyError e : pipe.errors(batch.firstReply(slot), exec)) {
                if (e.reply() == exec && e.element() >= 0) {
                    inExec++;
                } else if (refusedBy == null || (!ClusterNodes.redirect(refusedBy) && ClusterNodes.redirect(e.message()))) {
                    refusedBy = e.message(); // a redirect says more than the EXECABORT it causes
                }
            }
            if (refusedBy != null && !ClusterNodes.redirect(refusedBy)) {
                throw new IOException("the cluster refused slot " + slot + "'s transaction of the batch ending at offset " + batch.reached
                    + ": " + refusedBy);
            }
            failed += refusedBy == null ? inExec : again(batch, slot, refusedBy);
            checkpoints.applied(slot, batch.reached);
        }
        listener.progress(start, batch.reached, Math.max(end, batch.reached));
        listener.applied(batch.reached);
        return failed;
    }

    /** Sends a redirected slot transaction again, whole, where the slot is served now, until it applies; its failed commands. */
    private long again(SlotBatch batch, int slot, String redirect) throws IOException {
        final long deadline = System.currentTimeMillis() + ClusterNodes.MIGRATION_WAIT_MS;
        final byte[] tx = new byte[batch.length(slot)]; // a redirect is rare: copied out
        batch.bytes(slot).getBytes(0, tx);
        String why = redirect;
        while (true) {
            nodes.redirected(slot, why, deadline); // MOVED: the map learnt; ASK, TRYAGAIN: the migration waited for
            final RespClient node = nodes.node(slot);
            node.send(tx, 0, tx.length);
            why = null;
            for (int i = 0; i < batch.replies(slot) - 1; i++) {
                if (node.read() instanceof RespError e && (why == null || ClusterNodes.redirect(e.message()))) {
                    why = e.message();
                }
            }
            final Object exec = node.read();
            if (exec instanceof List<?> results) {
                long failed = 0;
                for (Object r : results) {
                    failed += r instanceof RespError ? 1 : 0;
                }
                return failed;
            }
            if (why == null || !ClusterNodes.redirect(why)) {
                why = exec instanceof RespError e ? e.message() : String.valueOf(exec);
            }
        }
    }

    @Override
    public void releaseReader() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    @Override
    public void reopened() {
        if (position != null) {
            position.line(engine.shardJournal().history().currentId());
        }
    }

    @Override
    public void forget() {
        checkpoints.forget();
        releaseReader();
        for (Node node : pipes.values()) {
            try {
                node.pipe.close();
            } catch (IOException ignored) {
                // closing a socket that failed: nothing left to do with it
            }
        }
        pipes.clear();
        if (nodes != null) {
            nodes.close();
            nodes = null;
        }
    }

    @Override
    public void close() {
        forget();
    }
}
