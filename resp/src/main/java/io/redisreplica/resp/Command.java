package io.redisreplica.resp;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;

/**
 * A flyweight over one framed command: the bytes as they arrived plus the offset and length of
 * each argument, so the command is forwarded verbatim and only what routing needs is decoded.
 * Reused for every command ({@link CommandFramer} re-points it); valid until the next frame.
 *
 * <p>Accessors follow Agrona's flyweight style: {@code argCount()}, {@code argOffset(i)}.
 */
public final class Command {
    private static final int INITIAL_ARGS = 16;

    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int argCount;
    private boolean inline;
    private long streamOffset;
    /** Argument starts relative to {@link #offset}, so a caller may move the bytes while a frame is incomplete. */
    private int[] argStarts = new int[INITIAL_ARGS];
    private int[] argLengths = new int[INITIAL_ARGS];

    /** Points this flyweight at an already framed command. Used by {@link CommandFramer}. */
    Command wrap(DirectBuffer buffer, int offset, int length, int argCount, boolean inline, long streamOffset) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.argCount = argCount;
        this.inline = inline;
        this.streamOffset = streamOffset;
        return this;
    }

    void argument(int index, int relativeStart, int argLength) {
        argStarts[index] = relativeStart;
        argLengths[index] = argLength;
    }

    /** Length of the argument tables (tests: they grow with arguments received, not announced). */
    int capacity() {
        return argStarts.length;
    }

    /** Grows the argument tables; amortised, never per command once the largest has been seen. */
    void ensureCapacity(int args) {
        if (args > argStarts.length) {
            int size = argStarts.length;
            while (size < args) {
                size = Math.min(Integer.MAX_VALUE - 8, size * 2);
            }
            argStarts = java.util.Arrays.copyOf(argStarts, size);
            argLengths = java.util.Arrays.copyOf(argLengths, size);
        }
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    /** Where the command's bytes start in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** The command's bytes on the wire, with its framing. */
    public int length() {
        return length;
    }

    /** Offset of the command's first byte in the stream it was framed from. */
    public long streamOffset() {
        return streamOffset;
    }

    public int argCount() {
        return argCount;
    }

    /** A keep-alive newline, an empty line or {@code *0}: nothing to execute. */
    public boolean isEmpty() {
        return argCount == 0;
    }

    /** Arrived as an inline command: its bytes are not RESP, re-encode before forwarding. */
    public boolean isInline() {
        return inline;
    }

    public int argOffset(int index) {
        return offset + argStarts[index];
    }

    public int argLength(int index) {
        return argLengths[index];
    }

    /** True when argument {@code index} equals {@code upperAscii} ignoring ASCII case. */
    public boolean argEqualsIgnoreCase(int index, byte[] upperAscii) {
        final int len = argLengths[index];
        if (len != upperAscii.length) {
            return false;
        }
        final int start = offset + argStarts[index];
        for (int i = 0; i < len; i++) {
            int b = buffer.getByte(start + i);
            if (b >= 'a' && b <= 'z') {
                b -= 'a' - 'A';
            }
            if (b != upperAscii[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when the command name is {@code upperAscii} (for example {@code "SET"} as bytes), ignoring case. */
    public boolean nameIs(byte[] upperAscii) {
        return argCount > 0 && argEqualsIgnoreCase(0, upperAscii);
    }

    /**
     * The argument as a signed decimal long.
     *
     * @throws NumberFormatException when it is not one
     */
    public long argLong(int index) {
        final long value = Ascii.parseLong(buffer, argOffset(index), argOffset(index) + argLengths[index]);
        if (value == Ascii.INVALID && !Ascii.isMinLong(buffer, argOffset(index), argOffset(index) + argLengths[index])) {
            throw new NumberFormatException("argument " + index + " is not an integer: " + argDisplay(index, 32));
        }
        return value;
    }

    /** Copies argument {@code index} out (allocates: for logs, tests and cold paths). */
    public byte[] argBytes(int index) {
        final byte[] bytes = new byte[argLengths[index]];
        buffer.getBytes(argOffset(index), bytes);
        return bytes;
    }

    /** Argument {@code index} decoded as UTF-8 (allocates). */
    public String argString(int index) {
        return new String(argBytes(index), StandardCharsets.UTF_8);
    }

    /** Argument {@code index} quoted and escaped for a log line, cut at {@code max} bytes. */
    public String argDisplay(int index, int max) {
        return Ascii.quote(buffer, argOffset(index), argOffset(index) + argLengths[index], max);
    }

    /** Like {@code redis-cli}: {@code "SET" "key" "value"}, each argument cut at 64 bytes. */
    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < argCount; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(argDisplay(i, 64));
        }
        return sb.toString();
    }
}
