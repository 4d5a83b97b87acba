package io.redisreplica.tools;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

import org.agrona.concurrent.UnsafeBuffer;

import io.redisreplica.rdb.Crc64;
import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbEntrySink;
import io.redisreplica.rdb.RdbHeader;
import io.redisreplica.rdb.RdbReader;
import io.redisreplica.rdb.RdbSink;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.resp.RespError;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.sinks.RedisConnection;
import io.redisreplica.router.support.SpillBuffer;
import io.redisreplica.router.support.SpillFiles;

/**
 * Loads a shard's snapshot RDB into a standalone Redis target as a client, with {@code RESTORE}:
 * what {@code replay} does first, where the target cannot be a replica (managed services). Each
 * key's DUMP payload is built from its RDB value as it streams past (the value's bytes, the RDB
 * version and a CRC64, as Redis's own {@code DUMP}), in a {@link SpillBuffer}: a key of any size
 * costs at most a few MB of heap. Keys go in batches, each one MULTI/EXEC that also records how
 * many of the snapshot's keys the target holds ({@code MARKER}: {@code SNAPSHOT_OFFSET:KEYS}), so
 * a load interrupted anywhere and run again continues after the last whole batch, exactly once.
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
    private final RedisConnection target;
    private final Existing existing;
    private final String marker;
    private final int batchKeys;
    private final LongConsumer progress;
    private final SpillFiles spill = SpillFiles.temporary();
    private final SpillBuffer value = spill.buffer(64 * 1024);
    private final SpillBuffer batch = spill.buffer(64 * 1024);
    private final RespWriter writer = new RespWriter();
    private final Crc64 crc = new Crc64();
    private final byte[] chunk = new byte[64 * 1024];
    private final UnsafeBuffer keyView = new UnsafeBuffer(new byte[0]);

    private int version;
    private boolean absTtl;
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
    /** The entry being read is one a resumed load steps over. */
    private boolean skipping;

    SnapshotLoader(Path rdb, long snapshotOffset, RedisConnection target, Existing existing, String marker, int batchKeys,
                   LongConsumer progress) {
        this.rdb = rdb;
        this.snapshotOffset = snapshotOffset;
        this.target = target;
        this.existing = existing;
        this.marker = marker;
        this.batchKeys = batchKeys;
        this.progress = progress;
    }

    Result load() throws IOException {
        absTtl = majorVersion() >= 5;
        skipFirst = resumePoint();
        if (skipFirst == 0 && existing == Existing.FAIL) {
            refuseNonEmpty();
        }
        startBatch();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(rdb), 1 << 16)) {
            new RdbReader().read(new CountingInputStream(in, progress), new Visitor());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        flush();
        value.shrink(0);
        batch.shrink(0);
        return new Result(keys, restored, skippedExisting, expired, skipFirst);
    }

    /** How many keys of this snapshot a load interrupted before left in the target (0: a new load). */
    private long resumePoint() throws IOException {
        final Object stored = target.call("GET", marker);
        if (stored == null) {
            return 0;
        }
        final String text = String.valueOf(stored);
        final int colon = text.indexOf(':');
        if (colon > 0 && Long.parseLong(text.substring(0, colon)) == snapshotOffset) {
            return Long.parseLong(text.substring(colon + 1));
        }
        throw new IOException("the target's " + marker + " is " + text + ": a load of another snapshot (offset "
            + text.substring(0, Math.max(colon, 0)) + ", this one is " + snapshotOffset + ") was interrupted; empty the target first");
    }

    private int majorVersion() throws IOException {
        final String info = String.valueOf(target.call("INFO", "server"));
        final int at = info.indexOf("redis_version:");
        return at < 0 ? 0 : Integer.parseInt(info.substring(at + 14, info.indexOf('.', at)));
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

    private final class Visitor implements RdbVisitor, RdbEntrySink {
        private int valueLength;

        @Override
        public void onHeader(RdbHeader header) {
            version = header.version();
        }

        @Override
        public RdbSink onEntry(RdbEntry entry) {
            skipping = keys < skipFirst;
            if (skipping) {
                keys++;
                return null; // in the target already: the batch that held it was recorded
            }
            crc.reset();
            value.putByte(0, (byte) entry.type());
            crc.update(entry.type());
            valueLength = 1;
            return this;
        }

        @Override
        public void head(RdbEntry entry, byte[] raw, int offset, int length) {
            // the entry's fields say what the head held: the payload starts with the value's type
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            value.putBytes(valueLength, bytes, offset, length);
            crc.update(bytes, offset, length);
            valueLength += length;
        }

        @Override
        public void onEntryEnd(RdbEntry entry) {
            if (skipping) {
                return;
            }
            try {
                keys++;
                restore(entry, valueLength);
                valueLength = 0;
                if (batchRestores >= batchKeys || batchLength >= BATCH_BYTES) {
                    flush();
                    startBatch();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Adds {@code RESTORE key ttl payload [REPLACE] [ABSTTL]} for the entry, its payload in {@link #value}. */
    private void restore(RdbEntry entry, int valueLength) {
        long ttl = 0;
        if (entry.expireAtMs() >= 0) {
            ttl = absTtl ? entry.expireAtMs() : entry.expireAtMs() - System.currentTimeMillis();
            if (ttl <= 0) {
                expired++;
                return;
            }
        }
        // the DUMP trailer: the RDB version (2 bytes) and a CRC64 of all before it, little-endian
        value.putByte(valueLength, (byte) version);
        value.putByte(valueLength + 1, (byte) (version >>> 8));
        crc.update(version & 0xff);
        crc.update(version >>> 8);
        final long sum = crc.value();
        for (int i = 0; i < 8; i++) {
            value.putByte(valueLength + 2 + i, (byte) (sum >>> (8 * i)));
        }
        final int payload = valueLength + 10;
        if (entry.db() != connDb) {
            batchLength = writer.wrap(batch, batchLength).arrayHeader(2).bulk("SELECT").bulk(entry.db()).position();
            connDb = entry.db();
            batchCommands++;
        }
        keyView.wrap(entry.key(), 0, entry.keyLength());
        final boolean replace = existing == Existing.REPLACE;
        final boolean abs = absTtl && ttl > 0;
        writer.wrap(batch, batchLength).arrayHeader(4 + (replace ? 1 : 0) + (abs ? 1 : 0)).bulk("RESTORE")
            .bulk(keyView, 0, entry.keyLength()).bulk(ttl).bulk(value, 0, payload);
        if (replace) {
            writer.bulk("REPLACE");
        }
        if (abs) {
            writer.bulk("ABSTTL");
        }
        batchLength = writer.position();
        batchCommands++;
        batchRestores++;
    }

    private void startBatch() {
        batch.putBytes(0, MULTI);
        batchLength = MULTI.length;
        batchCommands = 0;
        batchRestores = 0;
    }

    /** Sends the batch with the marker of how many keys the target holds after it; reads its replies. */
    private void flush() throws IOException {
        if (batchRestores == 0 && batchCommands == 0) {
            return;
        }
        if (connDb != 0) {
            batchLength = writer.wrap(batch, batchLength).arrayHeader(2).bulk("SELECT").bulk(0).position();
            batchCommands++;
        }
        batchLength = writer.wrap(batch, batchLength).command("SET", marker, snapshotOffset + ":" + keys).position();
        batchLength = writer.wrap(batch, batchLength).command("EXEC").position();
        for (int at = 0; at < batchLength; at += chunk.length) {
            final int n = Math.min(chunk.length, batchLength - at);
            batch.getBytes(at, chunk, 0, n);
            target.send(chunk, 0, n);
        }
        for (int i = 0; i < batchCommands + 2; i++) { // +OK to MULTI, +QUEUED to each command and to the SET
            final Object queued = target.read();
            if (queued instanceof RespError e) {
                target.read(); // the EXEC's -EXECABORT
                throw new IOException("the target refused a command of the snapshot load (keys up to " + keys + "): " + e.message());
            }
        }
        final Object exec = target.read();
        if (!(exec instanceof List<?> results)) {
            throw new IOException("the target refused the snapshot batch ending at key " + keys + ": " + exec);
        }
        int skippedHere = 0;
        for (Object r : results) {
            if (r instanceof RespError e) {
                if (existing == Existing.SKIP && e.message().startsWith("BUSYKEY")) {
                    skippedHere++;
                } else {
                    throw new IOException("the target refused a key of the snapshot load (batch ending at key " + keys + "): "
                        + e.message() + (e.message().startsWith("BUSYKEY") ? " (a key written to the target during the load: "
                        + "--replace or --skip-existing)" : ""));
                }
            }
        }
        skippedExisting += skippedHere;
        restored += batchRestores - skippedHere;
        connDb = 0; // the batch ends on db 0, where the marker lives
    }
}
