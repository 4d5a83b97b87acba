package io.redisreplica.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;

/**
 * A bounded read buffer over an RDB stream that knows its offset, keeps the running CRC64, and
 * passes every byte it consumes to at most one sink (the output an entry is being copied to)
 * and, while capturing, to a small bounded buffer (an entry's prefix until its key is known).
 *
 * <p>Sink and capture are fed lazily, a run of bytes at a time, whenever the buffer is refilled
 * or the destination changes: per-byte reads of lengths and opcodes cost a few instructions, not
 * a call per byte. The CRC is fed apart from them, a whole buffer at a time (when it is refilled
 * or the value is asked for): fed at every change of destination it would see runs of a few dozen
 * bytes, which it digests at half its speed on large ones.
 */
final class RdbInput {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    /** Bytes before buf[0] in the stream. */
    private long base;
    /** buf[flushed, pos) is consumed but not yet fed to the sink and capture. */
    private int flushed;
    /** buf[crcFrom, pos) is consumed but not yet fed to the CRC. */
    private int crcFrom;
    private final Crc64 crc = new Crc64();
    /** Non-null: the CRC is computed there, on another thread, instead of {@link #crc}. */
    private final Crc64Offload offload;
    private boolean crcEnabled = true;
    private RdbSink sink;
    private byte[] capture;
    private int captureLength;
    private boolean capturing;
    private final int maxCapture;

    /** @param crcExecutor where the CRC64 is computed, or null for the reading thread */
    RdbInput(InputStream in, int bufferSize, int maxCapture, java.util.concurrent.Executor crcExecutor) {
        this.in = in;
        this.offload = crcExecutor == null ? null : new Crc64Offload(crcExecutor);
        this.buf = new byte[bufferSize];
        this.maxCapture = maxCapture;
        this.capture = new byte[Math.min(4096, maxCapture)];
    }

    /** Offset of the next byte to be read. */
    long offset() {
        return base + pos;
    }

    long crc() {
        updateCrc();
        return offload == null ? crc.value() : offload.value();
    }

    void crcEnabled(boolean enabled) {
        updateCrc();
        crcEnabled = enabled;
    }

    private void updateCrc() {
        final int n = pos - crcFrom;
        if (n > 0 && crcEnabled) {
            if (offload == null) {
                crc.update(buf, crcFrom, n);
            } else {
                offload.update(buf, crcFrom, n);
            }
        }
        crcFrom = pos;
    }

    /** Sends every byte consumed from now on to {@code next} (null: to no sink). */
    void sink(RdbSink next) {
        flush();
        sink = next;
    }

    /** Starts collecting consumed bytes, up to the capture cap. */
    void startCapture() {
        flush();
        capturing = true;
        captureLength = 0;
    }

    /** Stops collecting; the bytes stay readable through {@link #captured()} until the next start. */
    void stopCapture() {
        flush();
        capturing = false;
    }

    byte[] captured() {
        return capture;
    }

    /** Bytes captured so far, including those read but not yet flushed. */
    int capturedLength() {
        flush();
        return captureLength;
    }

    /** Forgets captured bytes past {@code length}. */
    void truncateCapture(int length) {
        flush();
        captureLength = length;
    }

    private void flush() {
        final int n = pos - flushed;
        if (n <= 0) {
            return;
        }
        if (sink != null) {
            sink.write(buf, flushed, n);
        }
        if (capturing) {
            if (captureLength + n > maxCapture) {
                throw new RdbFormatException("record of more than " + maxCapture + " bytes before its value at offset "
                    + (base + flushed - captureLength) + " (a key or global record too large to hold; raise max-key-bytes)",
                    base + flushed - captureLength);
            }
            if (captureLength + n > capture.length) {
                capture = Arrays.copyOf(capture, Math.min(maxCapture, Math.max(capture.length * 2, captureLength + n)));
            }
            System.arraycopy(buf, flushed, capture, captureLength, n);
            captureLength += n;
        }
        flushed = pos;
    }

    /** Makes at least {@code n} (at most the buffer size) bytes readable at {@code pos}. */
    private void require(int n, String what) {
        if (limit - pos >= n) {
            return;
        }
        flush();
        updateCrc();
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            base += pos;
            pos = 0;
            flushed = 0;
            crcFrom = 0;
        }
        while (limit < n) {
            final int read;
            try {
                read = in.read(buf, limit, buf.length - limit);
            } catch (IOException e) {
                throw new RdbFormatException("reading the RDB failed at offset " + offset() + " while reading " + what
                    + ": " + e.getMessage(), offset(), e);
            }
            if (read < 0) {
                throw new RdbFormatException("RDB truncated at offset " + (base + limit) + " while reading " + what,
                    base + limit);
            }
            limit += read;
        }
    }

    int readByte(String what) {
        require(1, what);
        return buf[pos++] & 0xff;
    }

    /** Peeks at the next byte without consuming it. */
    int peekByte(String what) {
        require(1, what);
        return buf[pos] & 0xff;
    }

    void readFully(byte[] dst, int off, int len, String what) {
        while (len > 0) {
            require(1, what);
            final int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    long readLongLE(String what) {
        require(8, what);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    int readIntLE(String what) {
        require(4, what);
        final int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    long readUnsignedBE(int bytes, String what) {
        require(bytes, what);
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | (buf[pos + i] & 0xffL);
        }
        pos += bytes;
        return v;
    }

    /** Consumes {@code n} bytes, passing them to the sink, without holding more than a buffer. */
    void skip(long n, String what) {
        if (n < 0) {
            throw new RdbFormatException("impossible size " + Long.toUnsignedString(n) + " of " + what + " at offset "
                + offset(), offset());
        }
        while (n > 0) {
            require(1, what);
            final int chunk = (int) Math.min(n, limit - pos);
            pos += chunk;
            n -= chunk;
        }
    }

    /** The bytes read ahead beyond what was consumed, followed by the rest of the stream. */
    InputStream remaining() {
        flush();
        updateCrc();
        final byte[] rest = Arrays.copyOfRange(buf, pos, limit);
        pos = limit;
        flushed = limit;
        crcFrom = limit;
        return new SequenceInputStream(new java.io.ByteArrayInputStream(rest), in);
    }
}
