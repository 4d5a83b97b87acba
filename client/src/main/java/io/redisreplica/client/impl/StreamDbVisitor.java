package io.redisreplica.client.impl;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbHeader;
import io.redisreplica.rdb.RdbSink;
import io.redisreplica.rdb.RdbValueVisitor;
import io.redisreplica.rdb.RdbVisitor;

/**
 * The application's snapshot visitor, with the {@code repl-stream-db} AUX field taken on the way:
 * a replica that serves a full sync sends its master's stream as it is, with no SELECT first, and
 * the RDB says which db that stream is in.
 */
public final class StreamDbVisitor implements RdbVisitor {
    private static final byte[] REPL_STREAM_DB = "repl-stream-db".getBytes(StandardCharsets.US_ASCII);
    private final RdbVisitor visitor;
    private int db = -1;

    /** The db of the stream that follows the snapshot, or -1 when the RDB does not say. */
    public int db() {
        return db;
    }

    /** Passes every callback on to the application's {@code visitor}. */
    public StreamDbVisitor(RdbVisitor visitor) {
        this.visitor = visitor;
    }

    @Override
    public void onHeader(RdbHeader header) {
        visitor.onHeader(header);
    }

    @Override
    public void onAux(byte[] key, byte[] value) {
        if (Arrays.equals(key, REPL_STREAM_DB)) {
            try {
                db = Integer.parseInt(new String(value, StandardCharsets.US_ASCII));
            } catch (NumberFormatException ignored) {
                // not a db number: the stream's own SELECT decides
            }
        }
        visitor.onAux(key, value);
    }

    @Override
    public void onSelectDb(long selected) {
        visitor.onSelectDb(selected);
    }

    @Override
    public void onResizeDb(long db, long dbSize, long expiresSize) {
        visitor.onResizeDb(db, dbSize, expiresSize);
    }

    @Override
    public void onRecord(int opcode, byte[] raw, int offset, int length) {
        visitor.onRecord(opcode, raw, offset, length);
    }

    @Override
    public RdbSink onEntry(RdbEntry entry) {
        return visitor.onEntry(entry);
    }

    @Override
    public RdbValueVisitor onValue(RdbEntry entry) {
        return visitor.onValue(entry);
    }

    @Override
    public void onEntryEnd(RdbEntry entry) {
        visitor.onEntryEnd(entry);
    }

    @Override
    public void onEnd(long stored, long computed) {
        visitor.onEnd(stored, computed);
    }
}

