package io.redisreplica.resp;

import org.agrona.DirectBuffer;

/**
 * Incremental decoder for every RESP2 and RESP3 type, in the shape of netty's {@code
 * RedisDecoder}: an explicit state machine over a buffer that never blocks and never recurses
 * (nesting is a pre-allocated stack), so it resumes at any byte boundary.
 *
 * <p>{@link #decode} reports every value it completes to a {@link RespVisitor} and returns the
 * bytes it consumed. When a value is cut off it stops before that value (or, inside a streamed
 * blob, after the last byte it passed on), and the caller presents the rest again, with more
 * behind it, on the next call. A blob no longer than {@link RespDecoderContext#chunkSize()} is
 * delivered whole, so the caller's buffer must hold that much plus a header line.
 *
 * <p>Top-level lines that are not RESP are inline commands; a bare {@code \n} or {@code \r\n} at
 * top level is a keep-alive. One instance decodes one stream; it is not thread-safe.
 *
 * <p>Over 300 lines: one incremental state machine over every RESP2/RESP3 type, its limits and its
 * error offsets; split, the states would have to share their fields through another object on the
 * hot path.
 */
public final class RespDecoder {
    private static final int ELEMENT = 0;
    private static final int BLOB_BODY = 1;
    private static final int BLOB_CR = 2;
    private static final int BLOB_LF = 3;

    private final int maxLine;
    private final long maxBulkLength;
    private final int maxArrayLength;
    private final int chunkSize;
    private final int maxDepth;

    /** Elements still due at each open aggregate, innermost last. */
    private final long[] remaining;
    private final RespType[] aggregateTypes;
    private int depth;

    private int state = ELEMENT;
    private long blobRemaining;
    private long blobLength;
    /** Bytes of the current line already searched for its LF, so a slow line is not rescanned. */
    private int lineScanned;
    /** Stream offset of the first byte of the current {@link #decode} call's input. */
    private long callBase;
    private int callOffset;
    private long position;

    public RespDecoder() {
        this(new RespDecoderContext());
    }

    public RespDecoder(RespDecoderContext context) {
        context.conclude();
        this.maxLine = context.maxInlineLength();
        this.maxBulkLength = context.maxBulkLength();
        this.maxArrayLength = context.maxArrayLength();
        this.chunkSize = context.chunkSize();
        this.maxDepth = context.maxDepth();
        this.remaining = new long[maxDepth];
        this.aggregateTypes = new RespType[maxDepth];
    }

    /** Bytes consumed since the start of the stream (or the last {@link #reset()}). */
    public long position() {
        return position;
    }

    /** True between top-level values: nothing is half decoded. */
    public boolean atValueBoundary() {
        return depth == 0 && state == ELEMENT;
    }

    /** Forgets any half-decoded value and restarts offsets at 0. */
    public void reset() {
        depth = 0;
        state = ELEMENT;
        lineScanned = 0;
        position = 0;
    }

    /**
     * Decodes as much of {@code buffer[offset, offset + length)} as forms whole values (or blob
     * chunks).
     *
     * @return bytes consumed; the caller presents {@code length - consumed} bytes again later
     * @throws RespProtocolException on invalid input or a broken cap; the decoder is then unusable
     *     until {@link #reset()}
     */
    public int decode(DirectBuffer buffer, int offset, int length, RespVisitor visitor) {
        final int end = offset + length;
        callBase = position;
        callOffset = offset;
        int pos = offset;
        while (true) {
            switch (state) {
                case ELEMENT -> {
                    if (pos >= end) {
                        return consumed(pos);
                    }
                    final int next = element(buffer, pos, end, visitor);
                    if (next < 0) {
                        return consumed(pos);
                    }
                    pos = next;
                }
                case BLOB_BODY -> {
                    final int n = (int) Math.min(blobRemaining, end - pos);
                    if (n == 0) {
                        return consumed(pos);
                    }
                    visitor.onBlobChunk(buffer, pos, n);
                    pos += n;
                    blobRemaining -= n;
                    if (blobRemaining == 0) {
                        state = BLOB_CR;
                    }
                }
                case BLOB_CR -> {
                    if (pos >= end) {
                        return consumed(pos);
                    }
                    expectByte(buffer, pos, Ascii.CR);
                    pos++;
                    state = BLOB_LF;
                }
                default -> {
                    if (pos >= end) {
                        return consumed(pos);
                    }
                    expectByte(buffer, pos, Ascii.LF);
                    pos++;
                    state = ELEMENT;
                    visitor.onBlobEnd();
                    completeElement(visitor);
                }
            }
        }
    }

    private int consumed(int pos) {
        position = callBase + (pos - callOffset);
        return pos - callOffset;
    }

    private long streamOffset(int pos) {
        return callBase + (pos - callOffset);
    }

    private void expectByte(DirectBuffer buffer, int pos, byte expected) {
        if (buffer.getByte(pos) != expected) {
            throw new RespProtocolException("bulk of " + blobLength + " bytes not followed by CRLF: got "
                + Ascii.describeByte(buffer.getByte(pos)) + " at offset=" + streamOffset(pos), streamOffset(pos));
        }
    }

    /** Decodes one value's header (and a short blob's body). Returns the next position, or -1 for "need more". */
    private int element(DirectBuffer buffer, int pos, int end, RespVisitor visitor) {
        final byte first = buffer.getByte(pos);
        if (depth == 0 && first == Ascii.LF) {
            visitor.onKeepAlive();
            return pos + 1;
        }
        final RespType type = RespType.ofPrefix(first);
        if (type == null && depth > 0) {
            throw new RespProtocolException("expected a RESP type byte, got " + Ascii.describeByte(first)
                + " at offset=" + streamOffset(pos), streamOffset(pos));
        }
        final int limit = (int) Math.min(end, (long) pos + maxLine + 2);
        final int lf = Ascii.indexOfLf(buffer, pos + Math.max(1, lineScanned), limit);
        if (lf < 0) {
            if (limit - pos >= maxLine + 2) {
                throw new RespProtocolException("line longer than " + maxLine + " bytes without CRLF at offset="
                    + streamOffset(pos) + " starting " + Ascii.quote(buffer, pos, limit, 32), streamOffset(pos));
            }
            lineScanned = end - pos;
            return -1;
        }
        lineScanned = 0;
        if (type == null) {
            return inline(buffer, pos, lf, visitor);
        }
        if (buffer.getByte(lf - 1) != Ascii.CR || lf - 1 < pos + 1) {
            throw new RespProtocolException(type + " line not terminated by CRLF at offset=" + streamOffset(pos),
                streamOffset(pos));
        }
        final int from = pos + 1;
        final int to = lf - 1;
        final int next = lf + 1;
        switch (type) {
            case SIMPLE_STRING -> visitor.onSimpleString(buffer, from, to - from);
            case ERROR -> visitor.onError(buffer, from, to - from);
            case INTEGER -> visitor.onInteger(integer(buffer, from, to, pos, "integer"));
            case NULL -> {
                if (to != from) {
                    throw invalid("null", buffer, from, to, pos);
                }
                visitor.onNull();
            }
            case BOOLEAN -> {
                final byte b = to - from == 1 ? buffer.getByte(from) : 0;
                if (b != 't' && b != 'f') {
                    throw invalid("boolean", buffer, from, to, pos);
                }
                visitor.onBoolean(b == 't');
            }
            case DOUBLE -> {
                if (to == from) {
                    throw invalid("double", buffer, from, to, pos);
                }
                visitor.onDouble(buffer, from, to - from);
            }
            case BIG_NUMBER -> {
                checkBigNumber(buffer, from, to, pos);
                visitor.onBigNumber(buffer, from, to - from);
            }
            case BULK_STRING, BLOB_ERROR, VERBATIM_STRING -> {
                return blob(type, buffer, pos, from, to, next, end, visitor);
            }
            default -> {
                aggregate(type, buffer, pos, from, to, visitor);
                return next;
            }
        }
        completeElement(visitor);
        return next;
    }

    private int inline(DirectBuffer buffer, int pos, int lf, RespVisitor visitor) {
        final int lineEnd = buffer.getByte(lf - 1) == Ascii.CR && lf - 1 >= pos ? lf - 1 : lf;
        if (lineEnd == pos) {
            visitor.onKeepAlive(); // "\r\n"
        } else {
            visitor.onInline(buffer, pos, lineEnd - pos);
        }
        return lf + 1;
    }

    private int blob(RespType type, DirectBuffer buffer, int pos, int from, int to, int bodyStart, int end,
                     RespVisitor visitor) {
        final long len = Ascii.parseLong(buffer, from, to);
        if (len == -1 && type == RespType.BULK_STRING) {
            visitor.onNull();
            completeElement(visitor);
            return bodyStart;
        }
        if (len == Ascii.INVALID) {
            throw invalid("bulk length", buffer, from, to, pos);
        }
        if (len < 0 || len > maxBulkLength) {
            throw new RespProtocolException("bulk length=" + len + " at offset=" + streamOffset(pos)
                + " (expected: 0.." + maxBulkLength + ")", streamOffset(pos));
        }
        if (len <= chunkSize) {
            final long needed = bodyStart + len + 2;
            if (needed > end) {
                return -1; // the header is parsed again with the body: cheap, and keeps the view whole
            }
            final int crlf = bodyStart + (int) len;
            if (buffer.getByte(crlf) != Ascii.CR || buffer.getByte(crlf + 1) != Ascii.LF) {
                throw new RespProtocolException("bulk of " + len + " bytes not followed by CRLF at offset="
                    + streamOffset(crlf), streamOffset(crlf));
            }
            visitor.onBlob(type, buffer, bodyStart, (int) len);
            completeElement(visitor);
            return crlf + 2;
        }
        visitor.onBlobStart(type, len);
        blobLength = len;
        blobRemaining = len;
        state = BLOB_BODY;
        return bodyStart;
    }

    private void aggregate(RespType type, DirectBuffer buffer, int pos, int from, int to, RespVisitor visitor) {
        final long count = Ascii.parseLong(buffer, from, to);
        if (count == -1 && type == RespType.ARRAY) {
            visitor.onNull();
            completeElement(visitor);
            return;
        }
        if (count == Ascii.INVALID) {
            throw invalid(type == RespType.ARRAY ? "multibulk length" : type + " length", buffer, from, to, pos);
        }
        if (count < 0 || count > maxArrayLength) {
            throw new RespProtocolException((type == RespType.ARRAY ? "multibulk" : type.toString()) + " length="
                + count + " at offset=" + streamOffset(pos) + " (expected: 0.." + maxArrayLength + ")",
                streamOffset(pos));
        }
        visitor.onAggregateStart(type, count);
        if (count == 0) {
            visitor.onAggregateEnd(type);
            if (type != RespType.ATTRIBUTE) {
                completeElement(visitor);
            }
            return;
        }
        if (depth == maxDepth) {
            throw new RespProtocolException("nesting deeper than " + maxDepth + " at offset=" + streamOffset(pos),
                streamOffset(pos));
        }
        remaining[depth] = count * type.elementsPerCount();
        aggregateTypes[depth] = type;
        depth++;
    }

    /** One value finished: count it against the open aggregates and close those it completes. */
    private void completeElement(RespVisitor visitor) {
        while (depth > 0) {
            if (--remaining[depth - 1] > 0) {
                return;
            }
            depth--;
            final RespType closed = aggregateTypes[depth];
            visitor.onAggregateEnd(closed);
            if (closed == RespType.ATTRIBUTE) {
                return; // an attribute annotates the value after it and is not an element itself
            }
        }
    }

    private long integer(DirectBuffer buffer, int from, int to, int pos, String what) {
        final long value = Ascii.parseLong(buffer, from, to);
        if (value == Ascii.INVALID && !Ascii.isMinLong(buffer, from, to)) {
            throw invalid(what, buffer, from, to, pos);
        }
        return value;
    }

    private void checkBigNumber(DirectBuffer buffer, int from, int to, int pos) {
        int i = from;
        if (i < to && (buffer.getByte(i) == '-' || buffer.getByte(i) == '+')) {
            i++;
        }
        if (i == to) {
            throw invalid("big number", buffer, from, to, pos);
        }
        for (; i < to; i++) {
            final byte b = buffer.getByte(i);
            if (b < '0' || b > '9') {
                throw invalid("big number", buffer, from, to, pos);
            }
        }
    }

    private RespProtocolException invalid(String what, DirectBuffer buffer, int from, int to, int pos) {
        return new RespProtocolException("invalid " + what + " " + Ascii.quote(buffer, from, to, 32) + " at offset="
            + streamOffset(pos), streamOffset(pos));
    }
}
