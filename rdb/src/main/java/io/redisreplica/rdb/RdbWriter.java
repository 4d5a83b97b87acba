package io.redisreplica.rdb;

import static io.redisreplica.rdb.RdbConstants.*;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;

/**
 * Writes an RDB: raw bytes copied from another RDB (an entry, an AUX record), or records built
 * here ({@code SELECTDB}, string entries, lengths), with the CRC64 kept as it goes and written
 * after {@code EOF}. The splitter uses one per shard.
 *
 * <p>Unbuffered (the default) every write goes to the stream at once and the CRC is fed write by
 * write. Buffered ({@link #RdbWriter(OutputStream, int)}), writes are gathered in the writer's own
 * buffer and each full buffer is fed to the CRC and the stream in one piece: a split copies
 * entries of a few dozen bytes each, which the CRC digests at half its speed and a stream takes
 * at the cost of a call (and a lock) each. {@link #flush()} pushes out what is buffered. With an
 * executor as well ({@link #RdbWriter(OutputStream, int, Executor)}), full buffers are fed to the
 * CRC and the stream there ({@link WriteBehind}) while the caller goes on.
 */
public final class RdbWriter implements RdbSink {
    private final OutputStream out;
    private final Crc64 crc = new Crc64();
    private final byte[] small = new byte[16];
    /** Null when unbuffered; else buffer[0, buffered) is written here but not yet to the stream or the CRC. */
    private byte[] buffer;
    /** Non-null: full buffers are written by an executor. */
    private final WriteBehind behind;
    private int buffered;
    private long bytes;
    private long entries;
    private long currentDb = -1;
    private RdbHeader header;

    public RdbWriter(OutputStream out) {
        this.out = out;
        this.buffer = null;
        this.behind = null;
    }

    /** A writer that gathers up to {@code bufferSize} bytes before it passes them on (see above). */
    public RdbWriter(OutputStream out, int bufferSize) {
        this(out, bufferSize, null);
    }

    /**
     * A buffered writer whose full buffers are written by {@code executor} (one thread can serve
     * many writers; null: by the caller). It holds {@value WriteBehind#BLOCKS} buffers at most. The
     * caller owns the executor and shuts it down after {@link #finish()}.
     */
    public RdbWriter(OutputStream out, int bufferSize, Executor executor) {
        if (bufferSize < 64) {
            throw new IllegalArgumentException("bufferSize must be >= 64, was " + bufferSize);
        }
        this.out = out;
        this.buffer = new byte[bufferSize];
        this.behind = executor == null ? null : new WriteBehind(out, crc, executor, bufferSize);
    }

    /** Bytes written so far. */
    public long bytes() {
        return bytes;
    }

    /** Entries written so far (counted by {@link #entryWritten()}). */
    public long entries() {
        return entries;
    }

    public void header(RdbHeader value) {
        this.header = value;
        write(value.raw(), 0, value.raw().length);
    }

    /** Writes {@code REDIS00vv}. */
    public void header(int version) {
        header(new RdbHeader(version, false, String.format("REDIS%04d", version).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (buffer != null && len <= buffer.length - buffered) {
            System.arraycopy(b, off, buffer, buffered, len);
            buffered += len;
            bytes += len;
            return;
        }
        writeThrough(b, off, len);
    }

    /**
     * What does not fit in the buffer (or every write when unbuffered): apart from the copy into
     * the buffer so that the JIT inlines only that into the reader's loop (see RdbInput.refill).
     */
    private void writeThrough(byte[] b, int off, int len) {
        if (buffer == null || (behind == null && len >= buffer.length)) { // large: straight through, after what is buffered
            drain();
            pass(b, off, len);
            bytes += len;
            return;
        }
        while (len > 0) { // written behind: every byte goes through the blocks, in order
            if (buffered == buffer.length) {
                drain();
            }
            final int n = Math.min(len, buffer.length - buffered);
            System.arraycopy(b, off, buffer, buffered, n);
            buffered += n;
            bytes += n;
            off += n;
            len -= n;
        }
    }

    /** Feeds bytes to the CRC and the stream. */
    private void pass(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException("writing RDB at offset " + bytes + ": " + e.getMessage(), e);
        }
        crc.update(b, off, len);
    }

    private void drain() {
        if (buffered > 0) {
            final int n = buffered;
            buffered = 0;
            if (behind == null) {
                pass(buffer, 0, n);
            } else {
                buffer = behind.handOver(buffer, n, bytes - n);
            }
        }
    }

    /** Passes what is buffered to the stream (and waits until it is written) and flushes the stream. */
    public void flush() {
        drain();
        if (behind != null) {
            behind.await();
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("flushing RDB at offset " + bytes + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code SELECTDB db} unless the last one written was for the same db. */
    public void selectDb(long db) {
        if (db != currentDb) {
            writeByte(OPCODE_SELECTDB);
            writeLength(db);
            currentDb = db;
        }
    }

    /** The db of the last {@code SELECTDB} written, or -1 before any. */
    public long currentDb() {
        return currentDb;
    }

    /**
     * Writes {@code RESIZEDB}: the keys, and keys with an expiry, of the db just selected, as
     * rdbSaveDb writes them after {@code SELECTDB}. Redis sizes the db's tables from it before it
     * loads the db's keys (a hint: without one, or with one too small, its tables grow and rehash
     * as the keys arrive; one too large, it shrinks them later).
     */
    public void resizeDb(long dbSize, long expiresSize) {
        writeByte(OPCODE_RESIZEDB);
        writeLength(dbSize);
        writeLength(expiresSize);
    }

    void entryWritten() {
        entries++;
    }

    public void aux(byte[] key, byte[] value) {
        writeByte(OPCODE_AUX);
        writeString(key, 0, key.length);
        writeString(value, 0, value.length);
    }

    /** A string key with an optional absolute expiry (-1: none). */
    public void stringEntry(byte[] key, byte[] value, long expireAtMs) {
        if (expireAtMs >= 0) {
            writeByte(OPCODE_EXPIRETIME_MS);
            writeLittleEndian(expireAtMs, 8);
        }
        writeByte(TYPE_STRING);
        writeString(key, 0, key.length);
        writeString(value, 0, value.length);
        entries++;
    }

    /**
     * An entry's head as rdbSaveKeyValuePair writes it: expiry (in milliseconds from RDB 3 on, in
     * seconds before), LRU idle, LFU frequency, then type and key; the value's bytes follow.
     */
    public void entryHead(RdbEntry entry, byte[] key, int keyLength) {
        entryHead(entry, entry.type(), key, keyLength);
    }

    /** {@link #entryHead(RdbEntry, byte[], int)} with another value type (a value written anew in a plain encoding). */
    public void entryHead(RdbEntry entry, int type, byte[] key, int keyLength) {
        if (entry.expireAtMs() >= 0) {
            if (header == null || header.valkey() || header.version() >= 3) {
                writeByte(OPCODE_EXPIRETIME_MS);
                writeLittleEndian(entry.expireAtMs(), 8);
            } else {
                writeByte(OPCODE_EXPIRETIME);
                writeLittleEndian(entry.expireAtMs() / 1000, 4);
            }
        }
        if (entry.idle() >= 0) {
            writeByte(OPCODE_IDLE);
            writeLength(entry.idle());
        }
        if (entry.freq() >= 0) {
            writeByte(OPCODE_FREQ);
            writeByte(entry.freq());
        }
        writeByte(type);
        writeString(key, 0, keyLength);
    }

    /** rdbSaveBinaryDoubleValue: a sorted set's score in RDB_TYPE_ZSET_2, 8 bytes little-endian. */
    public void writeBinaryDouble(double value) {
        writeLittleEndian(Double.doubleToLongBits(value), 8);
    }

    private void writeLittleEndian(long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            small[i] = (byte) (value >>> (8 * i));
        }
        write(small, 0, bytes);
    }

    /** rdbSaveLen: the shortest of the 6-bit, 14-bit, 32-bit and 64-bit forms. */
    public void writeLength(long len) {
        if (len < (1 << 6)) {
            small[0] = (byte) len;
            write(small, 0, 1);
        } else if (len < (1 << 14)) {
            small[0] = (byte) ((len >>> 8) | 0x40);
            small[1] = (byte) len;
            write(small, 0, 2);
        } else if (len <= 0xffffffffL) {
            small[0] = (byte) 0x80;
            for (int i = 0; i < 4; i++) {
                small[1 + i] = (byte) (len >>> (24 - 8 * i));
            }
            write(small, 0, 5);
        } else {
            small[0] = (byte) 0x81;
            for (int i = 0; i < 8; i++) {
                small[1 + i] = (byte) (len >>> (56 - 8 * i));
            }
            write(small, 0, 9);
        }
    }

    /**
     * rdbSaveRawString: LZF-compressed when longer than 20 bytes and compression saves space (as
     * Redis does with rdbcompression yes), plain otherwise.
     */
    public void writeString(byte[] value, int off, int len) {
        if (len > 20) {
            final byte[] in = off == 0 ? value : java.util.Arrays.copyOfRange(value, off, off + len);
            final byte[] compressed = new byte[len - 4];
            final int clen = Lzf.compress(in, len, compressed);
            if (clen > 0) {
                writeByte(0xc0 | 3);
                writeLength(clen);
                writeLength(len);
                write(compressed, 0, clen);
                return;
            }
        }
        writeLength(len);
        write(value, off, len);
    }

    private void writeByte(int b) {
        small[0] = (byte) b;
        write(small, 0, 1);
    }

    /** Writes {@code EOF} and, for versions with one, the CRC64; flushes. */
    public void finish() {
        writeByte(OPCODE_EOF);
        drain();
        if (behind != null) {
            behind.await(); // the CRC is complete, and nothing else writes to the stream
        }
        if (header == null || header.hasChecksum()) {
            final long value = crc.value();
            for (int i = 0; i < 8; i++) {
                small[i] = (byte) (value >>> (8 * i));
            }
            try {
                out.write(small, 0, 8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bytes += 8;
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
