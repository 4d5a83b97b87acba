package io.redisreplica.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;

/**
 * A bounded read buffer over an RDB stream that knows its offset, keeps the running CRC64, and
 * passes every byte it consumes to at most one sink (the output an entry is being copied to)
 * and, while capturing, keeps them (an entry's prefix until its key is known).
 *
 * <p>The sink is fed lazily, a run of bytes at a time, whenever the buffer is refilled or the
 * destination changes: per-byte reads of lengths and opcodes cost a few instructions, not a call
 * per byte. A capture stays where it was read, in the buffer (a refill moves it to the front with
 * the unread bytes), and is copied to a capture array of its own only when it grows past half the
 * buffer: an entry's head then reaches its sink with the value, in one write
 * ({@link #sinkWithCapture}), not copied aside first and written apart (on a 1 GB split of small
 * keys that copy and write were a tenth of the reading thread). The CRC is fed apart from them, a whole buffer at a time (when it is refilled
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
    private boolean capturing;
    /** While capturing: the capture is buf[captureFrom, pos); -1 once it has moved to {@link #capture}. */
    private int captureFrom = -1;
    /** A capture too large to keep in the buffer: capture[0, captureLength), fed by {@link #flush()}. */
    private byte[] capture;
    private int captureLength;
    private final int maxCapture;

    /**
     * @param maxCapture the most a capture (an entry's head up to its key, or a whole AUX,
     *        FUNCTION or MODULE_AUX record) may hold: {@link RdbReaderContext#maxRecordBytes()},
     *        checked whether the capture stays in the buffer or moves to its own array
     * @param crcExecutor where the CRC64 is computed, or null for the reading thread
     */
    RdbInput(InputStream in, int bufferSize, int maxCapture, java.util.concurrent.Executor crcExecutor) {
        this.in = in;
        this.offload = crcExecutor == null ? null : new Crc64Offload(crcExecutor);
        this.buf = new byte[bufferSize];
        this.maxCapture = maxCapture;
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

    /**
     * Sends every byte consumed from now on to {@code next}, after the bytes captured so far (the
     * capture having been stopped): from the buffer in the same write as what follows them when
     * they are still there.
     */
    void sinkWithCapture(RdbSink next) {
        flush();
        if (captureFrom >= 0) {
            flushed = captureFrom; // buf[captureFrom, pos) is unchanged: nothing is moved or overwritten before the next flush
        } else {
            next.write(capture, 0, captureLength);
        }
        sink = next;
    }

    /** Starts collecting consumed bytes, up to the capture cap. */
    void startCapture() {
        flush();
        capturing = true;
        captureFrom = pos;
        captureLength = 0;
    }

    /**
     * Stops collecting; the bytes stay readable through {@link #capturedArray()} until the next
     * read or start.
     */
    void stopCapture() {
        flush();
        if (captureFrom >= 0) {
            checkCapture(pos - captureFrom); // a capture in its own array was checked as it grew
        }
        capturing = false;
    }

    /** The array that holds the capture, from {@link #capturedOffset()} on. */
    byte[] capturedArray() {
        return captureFrom >= 0 ? buf : capture;
    }

    int capturedOffset() {
        return captureFrom >= 0 ? captureFrom : 0;
    }

    /**
     * Bytes captured so far, including those read but not yet flushed. A capture still in the
     * buffer is checked against the cap here, where a record ends (a capture in its own array was
     * checked as it grew): so a record over the cap fails alike whether or not it fits the buffer.
     */
    int capturedLength() {
        flush();
        if (captureFrom >= 0) {
            final int n = pos - captureFrom;
            checkCapture(n);
            return n;
        }
        return captureLength;
    }

    /** Forgets captured bytes past {@code length}. */
    void truncateCapture(int length) {
        flush();
        if (captureFrom >= 0) {
            // the capture's first bytes move up to end where the consumed bytes end; those they
            // overwrite have reached the sink (flushed) and must reach the CRC first
            updateCrc();
            System.arraycopy(buf, captureFrom, buf, pos - length, length);
            captureFrom = pos - length;
        } else {
            captureLength = length;
        }
    }

    /**
     * Fails a capture over the cap: one compare, made where a record ends or grows (at a refill, at
     * its end), never per byte read.
     */
    private void checkCapture(int length) {
        if (capturing && length > maxCapture) {
            final long at = base + (captureFrom >= 0 ? captureFrom : flushed - captureLength);
            throw new RdbFormatException("record at offset " + at + " exceeds max-record-bytes " + maxCapture
                + " (a key with its expiry/LRU/LFU, or an AUX, FUNCTION or MODULE_AUX record, too large to hold;"
                + " raise RdbReaderContext.maxRecordBytes)", at);
        }
    }

    /** Moves the capture out of the buffer into {@link #capture} ({@link #flush()} feeds it from now on). */
    private void moveCapture() {
        final int n = pos - captureFrom;
        checkCapture(n);
        if (capture == null || capture.length < n) {
            capture = new byte[Math.min(maxCapture, Math.max(n, capture == null ? 4096 : capture.length * 2))];
        }
        System.arraycopy(buf, captureFrom, capture, 0, n);
        captureLength = n;
        captureFrom = -1;
    }

    private void flush() {
        final int n = pos - flushed;
        if (n <= 0) {
            return;
        }
        if (sink != null) {
            sink.write(buf, flushed, n);
        }
        if (capturing && captureFrom < 0) {
            appendCapture(n);
        }
        flushed = pos;
    }

    /** Adds buf[flushed, flushed + n) to a capture that has moved to its own array (rare: apart from the per-entry flush). */
    private void appendCapture(int n) {
        checkCapture(captureLength + n);
        if (captureLength + n > capture.length) {
            capture = Arrays.copyOf(capture, Math.min(maxCapture, Math.max(capture.length * 2, captureLength + n)));
        }
        System.arraycopy(buf, flushed, capture, captureLength, n);
        captureLength += n;
    }

    /** Makes at least {@code n} (at most the buffer size) bytes readable at {@code pos}. */
    private void require(int n, String what) {
        if (limit - pos < n) {
            refill(n, what);
        }
    }

    /**
     * {@link #require}'s slow path, once per buffer: apart so that the JIT inlines only the check
     * into every read (inlined whole, with the sink's, the CRC's and the stream's code, it made the
     * reader's methods several times larger and their C2 compilation the longest part of the
     * JIT's warm-up in a split of a 64 MB file).
     */
    private void refill(int n, String what) {
        flush();
        updateCrc();
        int keep = pos; // the first byte the buffer keeps: the capture's when it stays in the buffer
        if (capturing && captureFrom >= 0) {
            final int held = pos - captureFrom;
            if (held > buf.length / 2 || held + n > buf.length || held > maxCapture) {
                // held in the buffer it would leave too little room, or be moved again and again;
                // over the cap it fails here (moveCapture checks it) as it would in its own array
                moveCapture();
            } else {
                keep = captureFrom;
            }
        }
        if (keep > 0) {
            System.arraycopy(buf, keep, buf, 0, limit - keep);
            limit -= keep;
            base += keep;
            pos -= keep;
            flushed = pos;
            crcFrom = pos;
            if (capturing && captureFrom >= 0) {
                captureFrom -= keep;
            }
        }
        while (limit - pos < n) {
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
