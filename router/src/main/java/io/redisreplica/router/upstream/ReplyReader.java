package io.redisreplica.router.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.RespDecoder;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.resp.RespObjectBuilder;

/**
 * Replies read one at a time from a stream, as plain objects ({@link RespObjectBuilder}): for the
 * few control conversations of the link (ROLE, a sentinel's answers and its pub/sub messages),
 * never the command stream. Bytes read past a reply are kept for the next, so messages that
 * arrive together are each returned. Replies are capped at 1 MB: none of these is near that.
 */
final class ReplyReader {
    /** What an error reply reads as. */
    record Error(String message) {
    }

    private static final int MAX_REPLY = 1 << 20;

    private final InputStream in;
    private final Deque<Object> replies = new ArrayDeque<>();
    private final RespDecoder decoder = new RespDecoder(new RespDecoderContext().chunkSize(MAX_REPLY));
    private final RespObjectBuilder builder = new RespObjectBuilder((result, error) -> replies.add(error != null ? new Error(error)
        : result == null ? Nil.NIL : result));
    private final ExpandableArrayBuffer pending = new ExpandableArrayBuffer(4096);
    private final byte[] chunk = new byte[16 * 1024];
    private int pendingLength;

    /** A nil reply, as the queue holds no nulls. */
    private enum Nil { NIL }

    ReplyReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next reply: a {@code String}, {@code Long}, {@code List}, {@link Error} or null.
     *
     * @throws java.net.SocketTimeoutException when none is whole within the stream's read timeout
     */
    Object read() throws IOException {
        while (replies.isEmpty()) {
            final int n = in.read(chunk);
            if (n < 0) {
                throw new IOException("connection closed");
            }
            pending.putBytes(pendingLength, chunk, 0, n);
            pendingLength += n;
            final int consumed = decoder.decode(pending, 0, pendingLength, builder);
            pending.putBytes(0, pending, consumed, pendingLength - consumed);
            pendingLength -= consumed;
            if (pendingLength > MAX_REPLY) {
                throw new IOException("a reply longer than " + MAX_REPLY + " bytes");
            }
        }
        final Object reply = replies.poll();
        return reply == Nil.NIL ? null : reply;
    }
}
