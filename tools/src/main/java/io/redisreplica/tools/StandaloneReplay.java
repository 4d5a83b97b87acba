package io.redisreplica.tools;

import java.io.IOException;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.resp.RespError;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.sinks.EntryCommands;
import io.redisreplica.router.sinks.RedisConnection;

/**
 * A {@link ReplayEngine} run into a standalone Redis: one connection, db-aware (SELECT where an
 * entry's db changes, back to db 0 before the checkpoint), batches of entries each in
 * {@code MULTI ... SET checkpoint ... EXEC}. A command the target refuses inside a batch is
 * reported with its entry's offset, read back from the batch ({@link QueuedCommands}).
 */
final class StandaloneReplay {
    private final ReplayEngine engine;
    private final RedisConnection target;
    private final ReplayEngine.Listener listener;
    private final String checkpointKey;
    private final int batchEntries;
    private final RespWriter writer = new RespWriter();
    private final EntryCommands commands = new EntryCommands();
    private final QueuedCommands queuedAt = new QueuedCommands();

    StandaloneReplay(ReplayEngine engine, RedisConnection target, ReplayEngine.Listener listener) {
        this.engine = engine;
        this.target = target;
        this.listener = listener;
        this.checkpointKey = engine.options().checkpointKey();
        this.batchEntries = engine.options().batchEntries();
    }

    /** Replays from {@code requestedStart} (or the target's checkpoint, when further on) to the journal's end as it is now. */
    ReplayEngine.Result run(long requestedStart) throws IOException {
        final Object stored = target.call("GET", checkpointKey);
        final long done = stored == null ? -1 : Long.parseLong(String.valueOf(stored));
        final long start = Math.max(requestedStart, done);
        final long end = engine.endOffset();
        if (start >= end) {
            return new ReplayEngine.Result(start, start, 0, 0, 0, 0, false);
        }
        long entries = 0;
        long sent = 0;
        long failed = 0;
        long reached = start;
        int connDb = 0; // a new connection is on db 0
        final ExpandableArrayBuffer batch = new ExpandableArrayBuffer(64 * 1024);
        try (JournalReader reader = engine.readerAt(start, end)) {
            final JournalEntry entry = new JournalEntry();
            boolean more = true;
            while (more) {
                int length = writer.wrap(batch, 0).command("MULTI").position();
                int queued = 0;
                int inBatch = 0;
                queuedAt.clear();
                while (inBatch < batchEntries && (more = ReplayEngine.nextWithin(reader, entry, end))) {
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
                length = writer.wrap(batch, length).command("SET", checkpointKey, Long.toString(reached)).position();
                length = writer.wrap(batch, length).command("EXEC").position();
                target.send(batch.byteArray(), 0, length);
                for (int i = 0; i < queued + 2; i++) { // +OK to MULTI, +QUEUED to each command and to the SET
                    target.read();
                }
                final Object exec = target.read();
                if (!(exec instanceof List<?> results)) {
                    throw new IOException("the target refused the batch ending at offset " + reached + ": " + exec);
                }
                failed += errors(results, batch);
                entries += inBatch;
                sent += queued;
                listener.progress(start, reached, end);
            }
        }
        return new ReplayEngine.Result(start, reached, entries, sent, 0, failed, false);
    }

    /**
     * Commands of an EXEC that failed on the target (WRONGTYPE and the like: the rest of the
     * transaction applied), each reported with its entry's offset and its text, read back from the
     * batch (only on this rare path).
     */
    private long errors(List<?> results, ExpandableArrayBuffer batch) {
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
