package io.redisreplica.rdb;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How a master sends its RDB after {@code +FULLRESYNC}: {@code $<len>\r\n} and exactly that many
 * bytes, or, diskless with {@code capa eof}, {@code $EOF:<40-byte mark>\r\n}, the RDB, and the
 * mark again. Newlines before the {@code $} are keep-alives sent while the master prepares.
 */
public final class RdbTransfer {
    private static final int MARK_LENGTH = 40;

    private final long length;
    private final byte[] eofMark;

    private RdbTransfer(long length, byte[] eofMark) {
        this.length = length;
        this.eofMark = eofMark;
    }

    /** Reads the bulk header that precedes the RDB, skipping keep-alive newlines. */
    public static RdbTransfer readPreamble(InputStream in) throws IOException {
        int b;
        while ((b = in.read()) == '\n') {
            // keep-alive while the master forks or prepares
        }
        if (b != '$') {
            throw new RdbFormatException("expected '$' before the RDB transfer, got " + (b < 0 ? "end of stream" : "byte " + b), 0);
        }
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        while ((b = in.read()) != '\r') {
            if (b < 0 || line.size() > 64) {
                throw new RdbFormatException("malformed RDB transfer header: $" + line.toString(StandardCharsets.ISO_8859_1), 0);
            }
            line.write(b);
        }
        if (in.read() != '\n') {
            throw new RdbFormatException("RDB transfer header not terminated by CRLF", 0);
        }
        final String text = line.toString(StandardCharsets.ISO_8859_1);
        if (text.startsWith("EOF:")) {
            final byte[] mark = text.substring(4).getBytes(StandardCharsets.ISO_8859_1);
            if (mark.length != MARK_LENGTH) {
                throw new RdbFormatException("EOF mark of " + mark.length + " bytes, expected " + MARK_LENGTH, 0);
            }
            return new RdbTransfer(-1, mark);
        }
        try {
            return new RdbTransfer(Long.parseLong(text), null);
        } catch (NumberFormatException e) {
            throw new RdbFormatException("malformed RDB transfer length: $" + text, 0);
        }
    }

    public boolean diskless() {
        return eofMark != null;
    }

    /** Announced RDB length, or -1 for a diskless transfer. */
    public long length() {
        return length;
    }

    /** The stream to read the RDB from: for {@code $<len>}, one that ends after exactly that many bytes. */
    public InputStream rdbStream(InputStream in) {
        return diskless() ? in : new Bounded(in, length);
    }

    /**
     * After the RDB was read: checks the end of the transfer (the trailing EOF mark, or that
     * exactly {@code len} bytes were used) and returns the stream positioned at the commands
     * that follow.
     */
    public InputStream finish(RdbReader reader, InputStream in) throws IOException {
        final InputStream rest = reader.remaining();
        if (diskless()) {
            final byte[] mark = rest.readNBytes(MARK_LENGTH);
            if (!Arrays.equals(mark, eofMark)) {
                throw new RdbFormatException("diskless RDB not followed by its EOF mark after offset " + reader.offset(),
                    reader.offset());
            }
            return rest;
        }
        final long trailing = rest.transferTo(OutputStreamNull.INSTANCE); // bytes after EOF inside $len (none from Redis)
        if (reader.offset() + trailing != length) {
            throw new RdbFormatException("RDB transfer announced " + length + " bytes, got " + (reader.offset() + trailing),
                reader.offset());
        }
        return in;
    }

    /** An input stream that ends after a fixed number of bytes, without closing its source. */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            final int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            final int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() {
            // the source is the replication link: it stays open
        }
    }

    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
