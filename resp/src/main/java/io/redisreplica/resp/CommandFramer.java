package io.redisreplica.resp;

import org.agrona.DirectBuffer;

/**
 * Frames a stream of commands, as a master sends its replicas or a client sends a server:
 * multibulk ({@code *N} of {@code $len} bulks), inline lines, and bare-newline keep-alives.
 *
 * <p>This is the hot path of the router, kept apart from {@link RespDecoder} because a command
 * must be whole and contiguous to be forwarded verbatim. {@link #frame} returns the length of
 * the next complete command, with {@link #command()} pointing at it, or 0 when the command is
 * cut off. Progress on a cut-off command is kept (relative to its first byte), so presenting the
 * same bytes again with more behind them, even moved to another offset, does not rescan what was
 * parsed. Nothing is allocated per command or argument.
 *
 * <p>Commands longer than {@link RespDecoderContext#maxCommandLength()} are rejected here; a
 * caller that must pass larger values streams them with {@link RespDecoder}.
 */
public final class CommandFramer {
    /** Longest {@code *N} or {@code $N} header line we accept, CRLF included. */
    private static final int MAX_HEADER = 24;
    /** Digits the one-pass bulk header parse takes: 18 cannot overflow a long. */
    private static final int MAX_FAST_DIGITS = 18;

    private final Command command = new Command();
    private final long maxBulkLength;
    private final int maxArrayLength;
    private final int maxInlineLength;
    private final int maxCommandLength;

    private long position;
    /** Progress within the current, cut-off command. */
    private int parsed;
    private int expectedArgs = -1;
    private int args;
    private int lineScanned;
    /** Buffer offset of the current frame's first byte, for stream offsets in error messages. */
    private int frameStart;
    /** Bytes the cut-off command is known to need, from its first byte; 0 when not known. */
    private long needed;

    public CommandFramer() {
        this(new RespDecoderContext());
    }

    public CommandFramer(RespDecoderContext context) {
        context.conclude();
        this.maxBulkLength = context.maxBulkLength();
        this.maxArrayLength = context.maxArrayLength();
        this.maxInlineLength = context.maxInlineLength();
        this.maxCommandLength = context.maxCommandLength();
    }

    /**
     * After {@link #frame} returned 0 inside an argument: how many bytes, from the command's first
     * byte, the command needs at least (up to the end of that argument), so a caller can size its
     * buffer once for a long command instead of doubling it; 0 when not known.
     */
    public long needed() {
        return needed;
    }

    /** The command framed by the last {@link #frame} that returned more than 0. */
    public Command command() {
        return command;
    }

    /** Bytes framed since the start of the stream (or {@link #reset()}). */
    public long position() {
        return position;
    }

    /** Sets the stream offset of the next byte, for a stream that does not start at 0. */
    public void position(long streamOffset) {
        this.position = streamOffset;
    }

    /** Forgets a cut-off command and restarts offsets at 0. */
    public void reset() {
        position = 0;
        clearProgress();
    }

    private void clearProgress() {
        needed = 0;
        parsed = 0;
        expectedArgs = -1;
        args = 0;
        lineScanned = 0;
    }

    /**
     * Frames the command that starts at {@code offset}.
     *
     * @return its length in bytes (then {@link #command()} is valid), or 0 when more bytes are needed
     * @throws RespProtocolException on invalid input or a broken cap
     */
    public int frame(DirectBuffer buffer, int offset, int length) {
        if (length <= 0) {
            return 0;
        }
        frameStart = offset;
        final int consumed = buffer.getByte(offset) == '*'
            ? multibulk(buffer, offset, length)
            : inline(buffer, offset, length);
        if (consumed > 0) {
            position += consumed;
            clearProgress();
        }
        return consumed;
    }

    private int multibulk(DirectBuffer buffer, int offset, int length) {
        final int end = offset + length;
        int pos = offset + parsed;
        if (expectedArgs < 0) {
            final int lf = headerLine(buffer, pos, end, "multibulk");
            if (lf < 0) {
                return 0;
            }
            final long count = Ascii.parseLong(buffer, pos + 1, lf - 1);
            if (count == Ascii.INVALID) {
                throw error("invalid multibulk length " + Ascii.quote(buffer, pos + 1, lf - 1, 32) + " at offset="
                    + offset(pos), pos);
            }
            if (count > maxArrayLength) {
                throw error("multibulk length=" + count + " at offset=" + offset(pos) + " (expected: <= "
                    + maxArrayLength + ")", pos);
            }
            pos = lf + 1;
            if (count <= 0) {
                // Redis ignores "*0" and "*-1" from clients: an empty command
                command.wrap(buffer, offset, pos - offset, 0, false, position);
                return pos - offset;
            }
            // no allocation for the announced count: the tables grow with arguments that arrive
            // ("*1048576\r\n" costs 11 bytes, not 8 MB), as Redis caps argv at 1024 until then
            expectedArgs = (int) count;
            parsed = pos - offset;
        }
        while (args < expectedArgs) {
            if (pos >= end) {
                return 0;
            }
            if (buffer.getByte(pos) != '$') {
                throw error("expected '$' for argument " + args + " of " + expectedArgs + ", got "
                    + Ascii.describeByte(buffer.getByte(pos)) + " at offset=" + offset(pos), pos);
            }
            // Fast path: "$<digits>\r\n" parsed in one pass. Anything else (a sign, a missing LF,
            // too many digits, a cut-off header) takes the checked path, which also words the error.
            long len = 0;
            int p = pos + 1;
            final int digitsEnd = Math.min(end, pos + 1 + MAX_FAST_DIGITS);
            while (p < digitsEnd) {
                final int digit = buffer.getByte(p) - '0';
                if (digit < 0 || digit > 9) {
                    break;
                }
                len = len * 10 + digit;
                p++;
            }
            final int bodyStart;
            if (p > pos + 1 && p + 1 < end && buffer.getByte(p) == Ascii.CR && buffer.getByte(p + 1) == Ascii.LF) {
                bodyStart = p + 2;
            } else {
                final int lf = headerLine(buffer, pos, end, "bulk");
                if (lf < 0) {
                    return 0;
                }
                len = bulkLength(buffer, pos, lf);
                bodyStart = lf + 1;
            }
            if (len > maxBulkLength) {
                throw error("bulk length=" + len + " at offset=" + offset(pos) + " (expected: 0.." + maxBulkLength
                    + ")", pos);
            }
            final long commandLength = (long) bodyStart - offset + len + 2;
            if (commandLength > maxCommandLength) {
                throw error("command of at least " + commandLength + " bytes at offset=" + offset(offset)
                    + " (expected: <= " + maxCommandLength + ")", offset);
            }
            if (end - bodyStart < len + 2) {
                needed = commandLength;
                return 0;
            }
            final int crlf = bodyStart + (int) len;
            if (buffer.getByte(crlf) != Ascii.CR || buffer.getByte(crlf + 1) != Ascii.LF) {
                throw error("bulk of " + len + " bytes not followed by CRLF at offset=" + offset(crlf), crlf);
            }
            command.ensureCapacity(args + 1);
            command.argument(args++, bodyStart - offset, (int) len);
            pos = crlf + 2;
            parsed = pos - offset;
        }
        command.wrap(buffer, offset, pos - offset, expectedArgs, false, position);
        return pos - offset;
    }

    private long bulkLength(DirectBuffer buffer, int pos, int lf) {
        final long len = Ascii.parseLong(buffer, pos + 1, lf - 1);
        if (len == Ascii.INVALID) {
            throw error("invalid bulk length " + Ascii.quote(buffer, pos + 1, lf - 1, 32) + " at offset="
                + offset(pos), pos);
        }
        if (len < 0) {
            throw error("bulk length=" + len + " at offset=" + offset(pos) + " (expected: 0.." + maxBulkLength
                + ")", pos);
        }
        return len;
    }

    /** Finds the LF ending a {@code *N} / {@code $N} header at {@code pos}; -1 when it has not arrived. */
    private int headerLine(DirectBuffer buffer, int pos, int end, String what) {
        final int limit = Math.min(end, pos + MAX_HEADER);
        final int lf = Ascii.indexOfLf(buffer, pos + 1, limit);
        if (lf < 0) {
            if (limit - pos >= MAX_HEADER) {
                throw error(what + " header longer than " + MAX_HEADER + " bytes at offset=" + offset(pos) + ": "
                    + Ascii.quote(buffer, pos, limit, MAX_HEADER), pos);
            }
            return -1;
        }
        if (lf - 1 <= pos || buffer.getByte(lf - 1) != Ascii.CR) {
            throw error(what + " header not terminated by CRLF at offset=" + offset(pos), pos);
        }
        return lf;
    }

    /**
     * An inline command: space-separated arguments on one line, as Redis accepts from telnet
     * users. Quoted arguments ("a b" or 'a b') are supported; escape sequences inside quotes are
     * rejected rather than half-implemented, since they would need the bytes rewritten.
     */
    private int inline(DirectBuffer buffer, int offset, int length) {
        final int end = offset + length;
        final int limit = Math.min(end, offset + maxInlineLength + 2);
        final int lf = Ascii.indexOfLf(buffer, offset + lineScanned, limit);
        if (lf < 0) {
            if (limit - offset >= maxInlineLength + 2) {
                throw error("inline command longer than " + maxInlineLength + " bytes without newline at offset="
                    + offset(offset), offset);
            }
            lineScanned = length;
            return 0;
        }
        final int lineEnd = lf > offset && buffer.getByte(lf - 1) == Ascii.CR ? lf - 1 : lf;
        int argc = 0;
        int i = offset;
        while (true) {
            while (i < lineEnd && isSpace(buffer.getByte(i))) {
                i++;
            }
            if (i >= lineEnd) {
                break;
            }
            command.ensureCapacity(argc + 1);
            final byte quote = buffer.getByte(i);
            if (quote == '"' || quote == '\'') {
                final int start = i + 1;
                int close = start;
                while (close < lineEnd && buffer.getByte(close) != quote) {
                    if (buffer.getByte(close) == '\\') {
                        throw error("inline command with an escape sequence at offset=" + offset(close)
                            + " (not supported: send it as a multibulk)", close);
                    }
                    close++;
                }
                if (close >= lineEnd || (close + 1 < lineEnd && !isSpace(buffer.getByte(close + 1)))) {
                    throw error("unbalanced quotes in inline command at offset=" + offset(i), i);
                }
                command.argument(argc++, start - offset, close - start);
                i = close + 1;
            } else {
                final int start = i;
                while (i < lineEnd && !isSpace(buffer.getByte(i))) {
                    i++;
                }
                command.argument(argc++, start - offset, i - start);
            }
        }
        command.wrap(buffer, offset, lf + 1 - offset, argc, argc > 0, position);
        return lf + 1 - offset;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    private long offset(int pos) {
        return position + (pos - frameStart);
    }

    private RespProtocolException error(String message, int pos) {
        return new RespProtocolException(message, offset(pos));
    }
}
