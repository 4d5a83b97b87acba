package io.redisreplica.rdb;

/**
 * Receives what {@link RdbReader} finds, in file order. Every method has a no-op default.
 * Byte arrays are valid only during the call and are read-only: they may be the reader's own
 * buffer, whose checksum is taken after the call.
 */
public interface RdbVisitor {
    default void onHeader(RdbHeader header) {
    }

    /** An AUX field ({@code redis-ver}, {@code repl-id}, {@code repl-offset}, ...). */
    default void onAux(byte[] key, byte[] value) {
    }

    default void onSelectDb(long db) {
    }

    /**
     * A RESIZEDB record (RDB 7 on): how many keys, and keys with an expiry, the writer said db
     * {@code db} holds; a loader sizes its tables from it. Also given to {@link #onRecord}.
     */
    default void onResizeDb(long db, long dbSize, long expiresSize) {
    }

    /**
     * A record that is not a key (AUX, SELECTDB, RESIZEDB, MODULE_AUX, FUNCTION2,
     * FUNCTION_PRE_GA, SLOT_INFO, Valkey's SLOT_IMPORT), with its raw bytes, opcode included.
     */
    default void onRecord(int opcode, byte[] raw, int offset, int length) {
    }

    /**
     * A key was read (its value not yet). Return where the entry's raw bytes should go (prefix,
     * type and key first, then the value as it streams past), or null to skip the entry.
     */
    default RdbSink onEntry(RdbEntry entry) {
        return null;
    }

    /**
     * Asked after {@link #onEntry}: return a visitor to have the value decoded (for inspection,
     * filters, events), or null (the default) to step over it without decoding.
     */
    default RdbValueVisitor onValue(RdbEntry entry) {
        return null;
    }

    /** The entry's value has been read. */
    default void onEntryEnd(RdbEntry entry) {
    }

    /**
     * The EOF opcode was read. {@code stored} is the checksum in the file (0 when the writer did
     * not compute one, or the version has none), {@code computed} ours.
     */
    default void onEnd(long stored, long computed) {
    }
}
