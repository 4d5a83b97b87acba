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
 * {@link #error()}. Feed it to a {@link RespDecoder} until {@link #done()}.
 */
public final class RespObjectBuilder implements RespVisitor {
    private final Deque<List<Object>> stack = new ArrayDeque<>();
    private final Deque<Long> remaining = new ArrayDeque<>();
    private Object result;
    private String error;
    private boolean done;

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
            done = true;
            return;
        }
        stack.peek().add(v);
        long left = remaining.pop() - 1;
        while (left == 0) {
            final List<Object> finished = stack.pop();
            if (stack.isEmpty()) {
                result = finished;
                done = true;
                return;
            }
            stack.peek().add(finished);
            left = remaining.pop() - 1;
        }
        remaining.push(left);
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
        error = text(b, off, len);
        value(null);
    }

    @Override
    public void onInteger(long v) {
        value(v);
    }

    @Override
    public void onBlob(RespType type, DirectBuffer b, int off, int len) {
        if (type == RespType.BLOB_ERROR) {
            error = text(b, off, len);
            value(null);
        } else {
            value(text(b, off, len));
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
