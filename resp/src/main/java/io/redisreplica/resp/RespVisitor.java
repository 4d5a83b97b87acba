package io.redisreplica.resp;

import org.agrona.DirectBuffer;

/**
 * Receives the values {@link RespDecoder} finds, in stream order. Every method has a no-op
 * default: implement only what you need. Views ({@code buffer, offset, length}) are valid only
 * during the call; copy what you keep.
 *
 * <p>Aggregates arrive as {@link #onAggregateStart} followed by their elements and then
 * {@link #onAggregateEnd}. Blobs (bulk strings, blob errors, verbatim strings) up to the chunk
 * size arrive whole through {@link #onBlob}; longer ones as {@link #onBlobStart}, one or more
 * {@link #onBlobChunk} and {@link #onBlobEnd}, so a 512 MB value is never held whole.
 */
public interface RespVisitor {
    default void onSimpleString(DirectBuffer buffer, int offset, int length) {
    }

    default void onError(DirectBuffer buffer, int offset, int length) {
    }

    default void onInteger(long value) {
    }

    /** A whole bulk string, blob error or verbatim string (with its {@code txt:} prefix). */
    default void onBlob(RespType type, DirectBuffer buffer, int offset, int length) {
    }

    /** A blob longer than the chunk size begins; {@code length} bytes of chunks follow. */
    default void onBlobStart(RespType type, long length) {
    }

    default void onBlobChunk(DirectBuffer buffer, int offset, int length) {
    }

    default void onBlobEnd() {
    }

    /** RESP2 {@code $-1} / {@code *-1}, or RESP3 {@code _}. */
    default void onNull() {
    }

    /** The double's text as sent ({@code 3.14}, {@code inf}, {@code -inf}, {@code nan}). */
    default void onDouble(DirectBuffer buffer, int offset, int length) {
    }

    default void onBoolean(boolean value) {
    }

    /** The big number's digits as sent. */
    default void onBigNumber(DirectBuffer buffer, int offset, int length) {
    }

    /**
     * An aggregate begins. {@code count} is as sent: for maps and attributes, pairs (so twice as
     * many elements follow).
     */
    default void onAggregateStart(RespType type, long count) {
    }

    default void onAggregateEnd(RespType type) {
    }

    /** A top-level line that is not RESP: an inline command, without its line ending. */
    default void onInline(DirectBuffer buffer, int offset, int length) {
    }

    /** A bare newline at top level: what a master sends while it prepares an RDB. */
    default void onKeepAlive() {
    }
}
