package io.redisreplica.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.LongConsumer;

import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.support.SpillBuffer;
import io.redisreplica.router.support.SpillFiles;

/**
 * Loads a shard's snapshot RDB into a standalone Redis target as a client, with {@code RESTORE}:
 * what {@code replay} does first, where the target cannot be a replica (managed services). Each
 * key's DUMP payload comes from {@link DumpPayloads} (a key of any size costs at most a few MB of
 * heap). Keys go in batches, each one MULTI/EXEC that also records how
 * many of the snapshot's keys the target holds ({@code MARKER}: {@code SNAPSHOT_OFFSET:KEYS}), so
 * a load interrupted anywhere and run again continues after the last whole batch, exactly once.
 * Batches are pipelined as {@link StandaloneReplay}'s are: the next batch's body is sent while the
 * last one's EXEC is in flight, and its own EXEC only once that one is known applied, so a batch
 * refused at queue time is never overtaken; the RDB is read and the next payloads built while the
 * target restores.
 *
 * <p>Expiry: {@code ABSTTL} on targets of Redis 5 and later (the snapshot's absolute times), a
 * TTL computed now on older ones; keys already expired are not loaded. Existing keys: a target
 * that holds keys is refused unless the policy says {@link Existing#REPLACE} or
 * {@link Existing#SKIP}.
 */
public final class SnapshotLoader {
    /** What to do with a key the target already has. */
    public enum Existing { FAIL, REPLACE, SKIP }

    /** What a load did. */
    public record Result(long keys, long restored, long skippedExisting, long expired, long resumedAfter) {
    }

    /** The batch is sent when it holds this many bytes (or {@code batchKeys} keys). */
    private static final int BATCH_BYTES = 4 << 20;
    private static final byte[] MULTI = "*1\r\n$5\r\nMULTI\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Path rdb;
    private final long snapshotOffset;
    private final RespClient target;
    private final Pipeline pipe;
    private final Existing existing;
    private final String marker;
    private final int batchKeys;
    private final LongConsumer progress;
    private final SpillFiles spill = SpillFiles.temporary();
    private final SpillBuffer value = spill.buffer(64 * 1024);
    /** Two batches: one built while the other's EXEC is in flight. */
    private final SpillBuffer[] batches = {spill.buffer(64 * 1024), spill.buffer(64 * 1024)};
    private SpillBuffer batch = batches[0];
    private final RespWriter writer = new RespWriter();
    private final RestoreCommand restore;
    private static final byte[] EXEC = "*1\r\n$4\r\nEXEC\r\n".getBytes(StandardCharsets.US_ASCII);

    private int batchLength;
    private int batchCommands;
    private int batchRestores;
    /** The db of the target connection inside the batch being built. */
    private long connDb;
    private long keys;
    private long restored;
    private long skippedExisting;
    private long expired;
    private long skipFirst;
    /** The batch whose EXEC is in flight: the number of its MULTI's reply, its commands, restores and keys; -1: none. */
    private long inFlightReply = -1;
    private int inFlightCommands;
    private int inFlightRestores;
    private long inFlightKeys;

    /**
     * @param target asked for the server's version, the marker and the keys it holds
     * @param pipe to the same target: the batches
     */
    SnapshotLoader(Path rdb, long snapshotOffset, RespClient target, Pipeline pipe, Existing existing, String marker, int batchKeys,
                   LongConsumer progress) {
        this.rdb = rdb;
        this.snapshotOffset = snapshotOffset;
        this.target = target;
        this.pipe = pipe;
        this.existing = existing;
        this.restore = new RestoreCommand(existing == Existing.REPLACE);
        this.marker = marker;
        this.batchKeys = batchKeys;
        this.progress = progress;
    }

    Result load() throws IOException {
        restore.target(target.call("INFO", "server"));
        skipFirst = resumePoint();
        if (skipFirst == 0 && existing == Existing.FAIL) {
            refuseNonEmpty();
        }
        startBatch();
        keys = skipFirst;
        new DumpPayloads(value).read(rdb, skipFirst, progress, (entry, payload, length) -> {
            keys++;
            restore(entry, length);
            if (batchRestores >= batchKeys || batchLength >= BATCH_BYTES) {
                flush();
                startBatch();
            }
        });
        flush();
        confirmInFlight();
        value.shrink(0);
        batches[0].shrink(0);
        batches[1].shrink(0);
        return new Result(keys, restored, skippedExisting, expired, skipFirst);
    }

    /** How many keys of this snapshot a load interrupted before left in the target (0: a new load). */
    private long resumePoint() throws IOException {
        return resumePoint(target.call("GET", marker), "target", marker, snapshotOffset);
    }

    /**
     * Reads a load's progress marker ({@code SNAPSHOT_OFFSET:KEYS}, or nothing) as the keys to pass
     * over; a marker of another snapshot is an error: {@code what} ("target", "cluster") names where.
     */
    static long resumePoint(Object stored, String what, String marker, long snapshotOffset) throws IOException {
        if (stored == null) {
            return 0;
        }
        final String text = String.valueOf(stored);
        final int colon = text.indexOf(':');
        if (colon > 0 && Long.parseLong(text.substring(0, colon)) == snapshotOffset) {
            return Long.parseLong(text.substring(colon + 1));
        }
        throw new IOException("the " + what + "'s " + marker + " is " + text + ": a load of another snapshot (offset "
            + text.substring(0, Math.max(colon, 0)) + ", this one is " + snapshotOffset + ") was interrupted; empty the " + what
            + " first");
    }

    private void refuseNonEmpty() throws IOException {
        final String keyspace = String.valueOf(target.call("INFO", "keyspace"));
        long held = 0;
        for (String line : keyspace.split("\r?\n")) {
            final int k = line.indexOf("keys=");
            if (line.startsWith("db") && k > 0) {
                held += Long.parseLong(line.substring(k + 5, line.indexOf(',', k)));
            }
        }
        if (held > 0) {
            throw new IOException("the target holds " + held + " keys before the snapshot load: pass --replace (the snapshot's "
                + "value wins) or --skip-existing (the target's wins), or --no-snapshot when the target already has the data");
        }
    }

    /** Adds {@code RESTORE key ttl payload [REPLACE] [ABSTTL]} for the entry, its payload in {@link #value}. */
    private void restore(RdbEntry entry, int payload) {
        final long ttl = restore.ttl(entry);
        if (ttl == RestoreCommand.EXPIRED) {
            expired++;
            return;
        }
        if (entry.db() != connDb) {
            batchLength = writer.wrap(batch, batchLength).arrayHeader(2).bulk("SELECT").bulk(entry.db()).position();
            connDb = entry.db();
            batchCommands++;
        }
        batchLength = restore.write(batch, batchLength, entry, ttl, value, payload);
        batchCommands++;
        batchRestores++;
    }

    private void startBatch() {
        batch.putBytes(0, MULTI);
        batchLength = MULTI.length;
        batchCommands = 0;
        batchRestores = 0;
    }

    /**
     * Sends the batch with the marker of how many keys the target holds after it, then confirms the
     * batch before it and sends this one's EXEC; the next batch is built in the other buffer.
     */
    private void flush() throws IOException {
        if (batchRestores == 0 && batchCommands == 0) {
            return;
        }
        if (connDb != 0) {
            batchLength = writer.wrap(batch, batchLength).arrayHeader(2).bulk("SELECT").bulk(0).position();
            batchCommands++;
        }
        batchLength = writer.wrap(batch, batchLength).command("SET", marker, snapshotOffset + ":" + keys).position();
        final long first = pipe.requested();
        if (inFlightReply < 0) { // nothing in flight: the batch goes whole
            batch.putBytes(batchLength, EXEC);
            pipe.send(batch, batchLength + EXEC.length, batchCommands + 3);
        } else {
            pipe.send(batch, batchLength, batchCommands + 2);
            confirmInFlight();
            pipe.send(EXEC, 0, EXEC.length, 1);
        }
        inFlightReply = first;
        inFlightCommands = batchCommands;
        inFlightRestores = batchRestores;
        inFlightKeys = keys;
        batch = batch == batches[0] ? batches[1] : batches[0];
        connDb = 0; // the batch ends on db 0, where the marker lives
    }

    /** Reads the in-flight batch's replies up to its EXEC's: refused at queue time, or a key refused, ends the load. */
    private void confirmInFlight() throws IOException {
        if (inFlightReply < 0) {
            return;
        }
        final long exec = inFlightReply + inFlightCommands + 2; // MULTI, the commands, the marker's SET, then EXEC
        pipe.await(exec + 1);
        int skippedHere = 0;
        for (Pipeline.ReplyError e : pipe.errors(inFlightReply, exec)) {
            if (e.reply() != exec || e.element() < 0) {
                throw new IOException("the target refused " + (e.reply() < exec ? "a command of the snapshot load (keys up to "
                    + inFlightKeys + "): " : "the snapshot batch ending at key " + inFlightKeys + ": ") + e.message());
            }
            if (existing == Existing.SKIP && e.message().startsWith("BUSYKEY")) {
                skippedHere++;
            } else {
                throw new IOException("the target refused a key of the snapshot load (batch ending at key " + inFlightKeys + "): "
                    + e.message() + (e.message().startsWith("BUSYKEY") ? " (a key written to the target during the load: "
                    + "--replace or --skip-existing)" : ""));
            }
        }
        skippedExisting += skippedHere;
        restored += inFlightRestores - skippedHere;
        inFlightReply = -1;
    }
}
