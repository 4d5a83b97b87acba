package io.redisreplica.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespError;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.router.sinks.EntryCommands;

/**
 * A {@link ReplayEngine} run into a Redis Cluster: per batch, one transaction per hash slot on the
 * slot's node, each with the slot's own checkpoint key ({@code {tag}key}, the tag chosen to hash
 * to that slot, see {@link SlotTags}). Entries a slot's checkpoint already covers are skipped for
 * that slot; redirects as {@link ClusterNodes} says. One instance per run of the journal.
 */
final class ClusterReplay {
    private final ReplayEngine engine;
    private final String checkpointKey;
    private final int batchEntries;
    private final RespWriter writer = new RespWriter();
    private final EntryCommands commands = new EntryCommands();
    private final ClusterNodes nodes;
    private final ReplayEngine.Listener listener;
    private final SlotSplitter splitter = new SlotSplitter();
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
    /** The slots' checkpoint values: the offset on the journal's line (no upstream offset: a slot's entries are not all of them). */
    private final ReplayCheckpoint position;
    private long skipped;

    ClusterReplay(ReplayEngine engine, RespClient seed, ReplayEngine.Listener listener) throws IOException {
        this.engine = engine;
        this.checkpointKey = engine.options().checkpointKey();
        this.batchEntries = engine.options().batchEntries();
        this.nodes = new ClusterNodes(seed, engine::connect);
        this.listener = listener;
        this.position = new ReplayCheckpoint(engine.shardJournal().history().currentId());
    }

    private String slotKey(int slot) {
        return "{" + SlotTags.TAGS[slot] + "}" + checkpointKey;
    }

    /** The offset the slot's checkpoint says is applied, read from its node once. */
    private long done(int slot) throws IOException {
        if (!slotKnown[slot]) {
            final Object v = nodes.request(slot, "GET", slotKey(slot));
            if (v instanceof RespError e) {
                throw new IOException("slot " + slot + ": " + e.message());
            }
            slotDone[slot] = position.offsetOnThisLine(v, engine.shardJournal().history(), engine.options().shard(), slotKey(slot));
            slotKnown[slot] = true;
        }
        return slotDone[slot];
    }

    ReplayEngine.Result run(long start) throws IOException {
        final long end = engine.endOffset();
        long entries = 0;
        long sent = 0;
        long failed = 0;
        long reached = start;
        if (start >= end) {
            return new ReplayEngine.Result(start, start, 0, 0, 0, 0, true);
        }
        try (JournalReader reader = engine.readerAt(start, end)) {
            final JournalEntry entry = new JournalEntry();
            current = entry;
            boolean more = true;
            while (more) {
                touchedCount = 0;
                batchId++;
                int inBatch = 0;
                while (inBatch < batchEntries && (more = ReplayEngine.nextWithin(reader, entry, end))) {
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
            nodes.close();
        }
        return new ReplayEngine.Result(start, reached, entries, sent, skipped, failed, true);
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
        final int value = position.format(reached);
        len = writer.wrap(tx, len).arrayHeader(3).bulk("SET").bulk(slotKey(slot)).bulk(position.text(), 0, value).position();
        len = writer.wrap(tx, len).command("EXEC").position();
        final long deadline = System.currentTimeMillis() + ClusterNodes.MIGRATION_WAIT_MS;
        while (true) {
            final RespClient node = nodes.node(slot);
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
            nodes.redirected(slot, redirect != null ? redirect : String.valueOf(exec), deadline);
        }
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
