package io.redisreplica.resp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Plays the caller of a resumable decoder: appends each arriving piece to a receive buffer,
 * decodes, and keeps the unconsumed rest for the next piece, as a socket reader would.
 */
final class Feed {
    private Feed() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Feeds {@code pieces} in order; returns the bytes left unconsumed at the end. */
    static int feed(List<byte[]> pieces, ToIntFunction<UnsafeBuffer> decodeAll) {
        byte[] pending = new byte[0];
        for (byte[] piece : pieces) {
            final byte[] joined = new byte[pending.length + piece.length];
            System.arraycopy(pending, 0, joined, 0, pending.length);
            System.arraycopy(piece, 0, joined, pending.length, piece.length);
            // a slice of a larger array, as a receive buffer usually is
            final byte[] backing = new byte[joined.length + 7];
            System.arraycopy(joined, 0, backing, 7, joined.length);
            final int consumed = decodeAll.applyAsInt(new UnsafeBuffer(backing, 7, joined.length));
            pending = java.util.Arrays.copyOfRange(joined, consumed, joined.length);
        }
        return pending.length;
    }

    /** The input cut in two at {@code split}. */
    static List<byte[]> split(byte[] input, int split) {
        return List.of(java.util.Arrays.copyOfRange(input, 0, split), java.util.Arrays.copyOfRange(input, split, input.length));
    }

    /** The input one byte at a time. */
    static List<byte[]> bytewise(byte[] input) {
        final List<byte[]> pieces = new ArrayList<>();
        for (byte b : input) {
            pieces.add(new byte[] {b});
        }
        return pieces;
    }

    /** Decodes everything it can from the buffer with {@code decoder}; returns bytes consumed. */
    static int decodeAll(RespDecoder decoder, UnsafeBuffer buffer, RespVisitor visitor) {
        int total = 0;
        while (total < buffer.capacity()) {
            final int n = decoder.decode(buffer, total, buffer.capacity() - total, visitor);
            if (n == 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
