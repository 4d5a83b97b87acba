package io.redisreplica.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.sinks.EntryCommands;

/**
 * A {@link ReplayEngine} run into a standalone Redis: db-aware (SELECT where an entry's db
 * changes, back to db 0 before the checkpoint), batches of entries each in
 * {@code MULTI ... SET checkpoint ... EXEC}, pipelined on a {@link Pipeline} so the target never
 * waits for the replay to read the journal:
 *
 * <pre>
 *   send MULTI cmds.. SET(k)          the body of batch k: queued by the target, not applied
 *   read the replies of batch k-1     up to its EXEC's: applied, or the replay stops
 *   send EXEC(k)                      only now: batch k applies only if k-1 did
 * </pre>
 *
 * A batch's EXEC is sent only once the previous batch is known applied, so a batch the target
 * refuses at queue time (EXECABORT: out of memory, a command it does not know) is never
 * overtaken by the next, which is still queued and discarded when the replay stops; a stop
 * anywhere (SIGKILL included) leaves the target at the last batch it executed, its checkpoint
 * with it. The journal's bytes go from the reader into the batch and out in one write, with no
 * object per command. A command the target refuses inside an executed batch is reported with its
 * entry's offset, read back from the batch ({@link QueuedCommands}). Lives for the engine's run:
 * following, it keeps its connection, its reader and what it knows of the target's checkpoint
 * from round to round.
 */
final class StandaloneReplay implements ReplayTarget {
    /** A batch is cut at this many bytes even before {@code --batch} entries: a big entry is not joined by hundreds more. */
    private static final int BATCH_BYTES = 4 << 20;
    private static final byte[] EXEC = "*1\r\n$4\r\nEXEC\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final ReplayEngine engine;
    private final RespClient target;
    private final ReplayEngine.Listener listener;
    private final String checkpointKey;
    private final int batchEntries;
    private final RespWriter writer = new RespWriter();
    private final EntryCommands commands = new EntryCommands();
    private final JournalEntry entry = new JournalEntry();
    /** Two batches: one built while the other's EXEC is in flight. */
    private final Batch[] batches = {new Batch(), new Batch()};
    private int nextBatch;
    private Pipeline pipe;
    private JournalReader reader;
    /** Where the next batch starts: a reader let go at a new journal line is opened again there. */
    private long next;
    /** The target's checkpoint as this replay last read or wrote it. */
    private long done = UNKNOWN;
    /** Its value, with the journal line and the upstream offset reached; made anew with each read of the checkpoint. */
    private ReplayCheckpoint checkpoint;
    /** Test hook: runs after each batch's body is sent, before its EXEC (a stop there must apply nothing of it). */
    private BodySent bodySent = reached -> { };

    /** A batch: its bytes, the commands it queues and where each lies in the bytes, the offset it reaches. */
    private static final class Batch {
        final ExpandableArrayBuffer bytes = new ExpandableArrayBuffer(64 * 1024);
        final QueuedCommands queued = new QueuedCommands();
        int length;
        int entries;
        long reached;
        /** The number of its MULTI's reply on the pipeline; its EXEC's is {@code firstReply + queued.count() + 2}. */
        long firstReply;

        long execReply() {
            return firstReply + queued.count() + 2; // MULTI, the commands, the SET of the checkpoint, then EXEC
        }
    }

    StandaloneReplay(ReplayEngine engine, RespClient target, ReplayEngine.Listener listener) {
        this.engine = engine;
        this.target = target;
        this.listener = listener;
        this.checkpointKey = engine.options().checkpointKey();
        this.batchEntries = engine.options().batchEntries();
    }

    StandaloneReplay bodySent(BodySent hook) {
        this.bodySent = hook;
        return this;
    }

    @Override
    public ReplayEngine.Result run(long requestedStart, boolean tail) throws IOException {
        try {
            return replay(requestedStart, tail);
        } catch (IOException | RuntimeException e) {
            forget(); // the connection's state is not known: a next round starts from the target's checkpoint
            throw e;
        }
    }

    private ReplayEngine.Result replay(long requestedStart, boolean tail) throws IOException {
        if (done == UNKNOWN) {
            checkpoint = new ReplayCheckpoint(engine.shardJournal().history().currentId());
            done = checkpoint.resume(target.call("GET", checkpointKey), engine.shardJournal().history(), engine.options().shard(),
                checkpointKey);
        }
        final long start = Math.max(requestedStart, done);
        final long end = engine.endOffset();
        if (start >= end) {
            return new ReplayEngine.Result(start, start, 0, 0, 0, 0, false);
        }
        if (reader == null || reader.position() != start) {
            releaseReader();
            reader = engine.readerAt(start, end);
        }
        next = start;
        if (pipe == null) {
            pipe = engine.pipeline();
        }
        final long bound = tail ? Long.MAX_VALUE : end;
        long entries = 0;
        long sent = 0;
        long failed = 0;
        Batch executing = null;
        while (true) {
            final Batch batch = batches[nextBatch];
            nextBatch ^= 1;
            if (!fill(batch, bound)) {
                break;
            }
            batch.firstReply = pipe.requested();
            final boolean first = executing == null;
            if (first) { // nothing in flight: the batch can go whole
                batch.bytes.putBytes(batch.length, EXEC);
                pipe.send(batch.bytes.byteArray(), 0, batch.length + EXEC.length, batch.queued.count() + 3);
            } else {
                pipe.send(batch.bytes.byteArray(), 0, batch.length, batch.queued.count() + 2);
            }
            bodySent.sent(batch.reached);
            if (!first) {
                failed += confirm(executing, start, end);
                pipe.send(EXEC, 0, EXEC.length, 1);
            }
            executing = batch;
            entries += batch.entries;
            sent += batch.queued.count();
        }
        if (executing != null) {
            failed += confirm(executing, start, end);
        }
        return new ReplayEngine.Result(start, Math.max(start, done), entries, sent, 0, failed, false);
    }

    /** Reads entries into the batch's body (MULTI, their commands, SET of the checkpoint): false when there were none. */
    private boolean fill(Batch batch, long bound) throws IOException {
        if (reader == null) {
            reader = engine.readerAt(next, next);
        }
        final long from = next; // entries before it were read before this batch: on the line the checkpoint names
        int length = writer.wrap(batch.bytes, 0).command("MULTI").position();
        int connDb = 0; // each batch starts and ends on db 0, where the checkpoint lives
        batch.queued.clear();
        batch.entries = 0;
        final long snapshotOffset = engine.snapshotOffset();
        while (batch.entries < batchEntries && length < BATCH_BYTES && ReplayEngine.nextWithin(reader, entry, bound)) {
            final boolean had = checkpoint.passOver(entry, snapshotOffset);
            checkpoint.applied(entry);
            batch.reached = entry.endOffset();
            batch.entries++;
            if (had) {
                continue; // applied before the journal parted from the line the checkpoint was recorded on
            }
            commands.wrap(entry);
            while (commands.next()) {
                if (commands.db() != connDb && (entry.flags() & JournalEntryDescriptor.FLAG_NO_KEY) == 0) {
                    final int selectAt = length;
                    length = writer.wrap(batch.bytes, length).arrayHeader(2).bulk("SELECT").bulk(commands.db()).position();
                    batch.queued.add(entry.startOffset(), selectAt, length - selectAt);
                    connDb = commands.db();
                }
                batch.queued.add(entry.startOffset(), length, commands.length());
                batch.bytes.putBytes(length, commands.buffer(), commands.offset(), commands.length());
                length += commands.length();
            }
        }
        if (batch.entries == 0) {
            return false;
        }
        next = batch.reached;
        if (engine.newLine()) { // the router started again: these entries may be on its new line only
            releaseReader();
            engine.onNewLine(checkpoint, from);
        }
        if (connDb != 0) {
            final int selectAt = length;
            length = writer.wrap(batch.bytes, length).arrayHeader(2).bulk("SELECT").bulk(0).position();
            batch.queued.add(batch.reached, selectAt, length - selectAt);
        }
        final int value = checkpoint.format(batch.reached);
        length = writer.wrap(batch.bytes, length).arrayHeader(3).bulk("SET").bulk(checkpointKey).bulk(checkpoint.text(), 0, value)
            .position();
        batch.bytes.checkLimit(length + EXEC.length);
        batch.length = length;
        return true;
    }

    /**
     * Reads the batch's replies up to its EXEC's: refused as a whole (a command refused when queued)
     * stops the replay; executed, the commands that failed in it (WRONGTYPE and the like: the rest
     * applied) are reported and counted.
     */
    private long confirm(Batch batch, long start, long end) throws IOException {
        final long exec = batch.execReply();
        pipe.await(exec + 1);
        final List<Pipeline.ReplyError> errors = pipe.errors(batch.firstReply, exec);
        long failed = 0;
        for (Pipeline.ReplyError e : errors) {
            if (e.reply() != exec || e.element() < 0) {
                final int queuedAt = (int) (e.reply() - batch.firstReply - 1);
                throw new IOException("the target refused the batch ending at offset " + batch.reached + ": " + e.message()
                    + (queuedAt >= 0 && queuedAt < batch.queued.count() ? " (entry at offset " + batch.queued.entry(queuedAt) + ": "
                    + text(batch, queuedAt) + ")" : ""));
            }
        }
        for (Pipeline.ReplyError e : errors) {
            failed++;
            if (e.element() < batch.queued.count()) {
                listener.refused(batch.queued.entry(e.element()), text(batch, e.element()), e.message());
            }
        }
        done = batch.reached;
        listener.progress(start, batch.reached, Math.max(end, batch.reached));
        listener.applied(batch.reached); // following, a round lasts as long as writes keep coming: say so at each batch
        return failed;
    }

    /** The text of the batch's {@code i}th queued command, read back from its bytes (only for an error). */
    private static String text(Batch batch, int i) {
        final CommandFramer framer = new CommandFramer(RespDecoderContext.preChecked());
        return framer.frame(batch.bytes, batch.queued.offset(i), batch.queued.length(i)) > 0 ? framer.command().toString() : "?";
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
        if (checkpoint != null) {
            checkpoint.line(engine.shardJournal().history().currentId());
        }
    }

    @Override
    public void forget() {
        done = UNKNOWN;
        releaseReader();
        if (pipe != null) {
            try {
                pipe.close();
            } catch (IOException ignored) {
                // closing a socket that failed: nothing left to do with it
            }
            pipe = null;
        }
    }

    @Override
    public void close() {
        forget();
    }
}
