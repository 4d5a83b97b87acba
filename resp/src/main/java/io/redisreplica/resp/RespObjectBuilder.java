package io.redisreplica.resp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.agrona.DirectBuffer;

/**
 * Builds one reply as plain Java objects, for handshakes, tools and tests (it allocates; the hot
 * path uses {@link CommandFramer}): simple, bulk and verbatim strings become {@code String}
 * (UTF-8), integers {@code Long}, aggregates {@code List<Object>} (maps flattened to key, value),
 * doubles {@code Double}, booleans {@code Boolean}, nulls {@code null}. An error reply is kept in
 * {@link #error()}; an error inside an aggregate (a failed command in an EXEC reply) is a {@link
 * RespError} element. Feed it to a {@link RespDecoder} until {@link #done()}.
 *
 * <p>A decoder hands over every whole value in the bytes it is given: a client that pipelines
 * builds with a {@link ReplyListener}, which is told of each reply in turn.
 */
public final class RespObjectBuilder implements RespVisitor {
    private final Deque<List<Object>> stack = new ArrayDeque<>();
    private final Deque<Long> remaining = new ArrayDeque<>();
    private Object result;
    private String error;
    private boolean done;
    private final ReplyListener listener;
    private boolean binary;
    private boolean refuseInline;

    /** Told of each whole reply; the builder then starts on the next. */
    @FunctionalInterface
    public interface ReplyListener {
        /** @param error the error reply's text, or null; then {@code result} is null */
        void onReply(Object result, String error);
    }

    /** Builds one reply: read it when {@link #done()}. */
    public RespObjectBuilder() {
        this(null);
    }

    /** Builds reply after reply, each handed to {@code listener}. */
    public RespObjectBuilder(ReplyListener listener) {
        this.listener = listener;
    }

    /**
     * Bulk and verbatim strings as {@code byte[]} instead of UTF-8 text: for keys and values,
     * which Redis keeps as bytes (a key that is not UTF-8 must come back as it was).
     */
    public RespObjectBuilder binary() {
        this.binary = true;
        return this;
    }

    /**
     * Refuses a top-level line that is not RESP (the decoder's inline command) with a
     * {@link RespProtocolException}, for readers of replies, where such a line is garbage.
     */
    public RespObjectBuilder refuseInline() {
        this.refuseInline = true;
        return this;
    }

    public boolean done() {
        return done;
    }

    public Object result() {
        return result;
    }

    /** The error reply's text, or null. */
    public String error() {
        return error;
    }

    /** Forgets the last reply, to build the next one. */
    public RespObjectBuilder reset() {
        stack.clear();
        remaining.clear();
        result = null;
        error = null;
        done = false;
        return this;
    }

    private void value(Object v) {
        if (stack.isEmpty()) {
            result = v;
            complete();
            return;
        }
        stack.peek().add(v);
        long left = remaining.pop() - 1;
        while (left == 0) {
            final List<Object> finished = stack.pop();
            if (stack.isEmpty()) {
                result = finished;
                complete();
                return;
            }
            stack.peek().add(finished);
            left = remaining.pop() - 1;
        }
        remaining.push(left);
    }

    private void complete() {
        done = true;
        if (listener != null) {
            listener.onReply(result, error);
            reset();
        }
    }

    private void error(String message) {
        if (stack.isEmpty()) {
            error = message;
            value(null);
        } else {
            value(new RespError(message));
        }
    }

    private static String text(DirectBuffer b, int off, int len) {
        return b.getStringWithoutLengthUtf8(off, len);
    }

    @Override
    public void onSimpleString(DirectBuffer b, int off, int len) {
        value(text(b, off, len));
    }

    @Override
    public void onError(DirectBuffer b, int off, int len) {
        error(text(b, off, len));
    }

    @Override
    public void onInteger(long v) {
        value(v);
    }

    @Override
    public void onBlob(RespType type, DirectBuffer b, int off, int len) {
        if (type == RespType.BLOB_ERROR) {
            error(text(b, off, len));
        } else if (binary) {
            final byte[] bytes = new byte[len];
            b.getBytes(off, bytes);
            value(bytes);
        } else {
            value(text(b, off, len));
        }
    }

    @Override
    public void onInline(DirectBuffer b, int off, int len) {
        if (refuseInline) {
            throw new RespProtocolException("a line that is not a RESP reply (" + len + " bytes)", -1);
        }
    }

    @Override
    public void onNull() {
        value(null);
    }

    @Override
    public void onDouble(DirectBuffer b, int off, int len) {
        final String s = text(b, off, len);
        value(switch (s) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(s);
        });
    }

    @Override
    public void onBoolean(boolean v) {
        value(v);
    }

    @Override
    public void onBigNumber(DirectBuffer b, int off, int len) {
        value(text(b, off, len));
    }

    @Override
    public void onAggregateStart(RespType type, long count) {
        if (count == 0) {
            if (type != RespType.ATTRIBUTE) {
                value(new ArrayList<>());
            }
        } else {
            stack.push(new ArrayList<>());
            remaining.push(count * type.elementsPerCount());
        }
    }
}
