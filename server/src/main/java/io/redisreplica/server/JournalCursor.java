package io.redisreplica.server;

import java.io.IOException;

/**
 * A reader of the command stream from one offset on, one per replica, read by that replica's
 * session thread only. The bytes are the stream as a replica applies it (RESP commands, each
 * whole: the first byte read is at the offset the cursor was opened at, and each byte read
 * advances the offset by one, as Redis's {@code master_repl_offset} counts).
 *
 * <p>The session reads into its own buffer and writes to the replica's socket, so a replica that
 * stops reading stops its cursor: the source keeps nothing for it beyond the position.
 */
public interface JournalCursor extends AutoCloseable {
    /**
     * Copies the next bytes of the stream into {@code dst}.
     *
     * @return the number of bytes copied (at most {@code length}); 0 when there are none yet;
     *     {@link #END} when this history ended (the source has a new replication id, or no longer
     *     holds the cursor's position): the replica is disconnected and must resync
     */
    int read(byte[] dst, int offset, int length) throws IOException;

    /**
     * Waits until bytes may be available, at most {@code timeoutMillis}. Returning early or
     * spuriously is fine: {@link #read} is asked again.
     */
    void await(long timeoutMillis) throws InterruptedException;

    /** Releases what the cursor holds; the default holds nothing. */
    @Override
    default void close() throws IOException {
    }

    /** What {@link #read} returns when the history ended. */
    int END = -1;
}
