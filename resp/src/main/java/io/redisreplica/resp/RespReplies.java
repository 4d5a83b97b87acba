package io.redisreplica.resp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

import org.agrona.ExpandableArrayBuffer;

/**
 * Replies read one at a time from a blocking stream, as plain objects ({@link RespObjectBuilder}):
 * a {@code String} (or {@code byte[]} for bulks when binary), {@code Long}, {@code List},
 * {@link RespError} or null. Bytes read past a reply are kept for the next, so pipelined replies
 * that arrive together are each returned. The one reply reader of the blocking clients (the
 * sinks' and tools' connections, the upstream link's side connection and its sentinel
 * conversations); never the replication stream, which is framed without objects.
 */
public final class RespReplies {
    /** A nil reply, as the queue holds no nulls. */
    private static final Object NIL = new Object();

    private final InputStream in;
    private final String peer;
    private final int maxReply;
    private final Deque<Object> replies = new ArrayDeque<>();
    private final RespDecoder decoder;
    private final RespObjectBuilder builder = new RespObjectBuilder((result, error) -> replies.add(error != null ? new RespError(error)
        : result == null ? NIL : result));
    private final ExpandableArrayBuffer pending = new ExpandableArrayBuffer(4096);
    private final byte[] chunk = new byte[16 * 1024];
    private int pendingLength;

    /**
     * @param peer what the other side is, for errors ("master 10.0.0.5:6379")
     * @param maxReply the longest reply taken whole (a bulk up to it is one value); longer fails the read
     * @param binary bulks as {@code byte[]} (keys and values as Redis keeps them), else as UTF-8 text
     */
    public RespReplies(InputStream in, String peer, int maxReply, boolean binary) {
        this.in = in;
        this.peer = peer;
        this.maxReply = maxReply;
        this.decoder = new RespDecoder(new RespDecoderContext().chunkSize(maxReply).maxBulkLength(maxReply));
        builder.refuseInline();
        if (binary) {
            builder.binary();
        }
    }

    /**
     * The next reply.
     *
     * @throws java.net.SocketTimeoutException when none is whole within the stream's read timeout
     * @throws EOFException when the other side closed the connection
     * @throws IOException when the bytes are not RESP, or a reply is longer than {@code maxReply}
     */
    public Object read() throws IOException {
        while (replies.isEmpty()) {
            final int n = in.read(chunk);
            if (n < 0) {
                throw new EOFException("connection closed by " + peer);
            }
            pending.putBytes(pendingLength, chunk, 0, n);
            pendingLength += n;
            final int consumed;
            try {
                consumed = decoder.decode(pending, 0, pendingLength, builder);
            } catch (RespProtocolException e) {
                throw new IOException(peer + " sent what is not RESP: " + e.getMessage(), e);
            }
            pending.putBytes(0, pending, consumed, pendingLength - consumed);
            pendingLength -= consumed;
            if (pendingLength > maxReply) {
                throw new IOException("a reply from " + peer + " longer than " + maxReply + " bytes");
            }
        }
        final Object reply = replies.poll();
        return reply == NIL ? null : reply;
    }
}
