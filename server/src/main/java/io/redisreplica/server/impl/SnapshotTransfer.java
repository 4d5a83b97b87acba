package io.redisreplica.server.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.StandardOpenOption;

import io.redisreplica.server.spi.EofMark;
import io.redisreplica.server.Snapshot;
import io.redisreplica.server.spi.ReplicaHandshake;

/**
 * The RDB transfer of a full resync: {@code +FULLRESYNC replid offset} (for PSYNC; SYNC gets the
 * RDB alone), then the snapshot as a bulk ({@code $size}, a file with {@code transferTo}) or, when
 * its size is not known, with the diskless framing a diskless master uses ({@code $EOF:mark}, the
 * bytes, the mark), which a replica reads only if it announced {@code capa eof}. Bytes pass
 * through one 64 KB buffer: a snapshot of any size costs no more heap.
 */
final class SnapshotTransfer {
    /**
     * @param bytes the snapshot's length
     * @param eofMark sent with the diskless framing: the replica finds the end by the mark being
     *     the last bytes it read, so nothing may follow until it ACKs
     */
    record Sent(long bytes, boolean eofMark) {
    }

    private SnapshotTransfer() {
    }

    static Sent send(Snapshot snapshot, boolean psync, boolean capaEof, OutputStream out) throws IOException {
        if (snapshot.size() < 0 && !capaEof) {
            throw new SourceFailure(new IOException("the snapshot's size is not known and the replica did not announce capa eof (Redis < 2.8.18)"));
        }
        if (psync) {
            ReplicaHandshake.write(out, "+FULLRESYNC " + snapshot.replid() + " " + snapshot.offset() + "\r\n");
        }
        if (snapshot.size() >= 0) {
            ReplicaHandshake.write(out, "$" + snapshot.size() + "\r\n");
            out.flush();
            final long sent = snapshot.file() != null ? sendFile(snapshot, out) : copy(snapshot, out, snapshot.size());
            if (sent != snapshot.size()) {
                throw new SourceFailure(new IOException("snapshot " + snapshot + " gave " + sent + " bytes (expected: its size, " + snapshot.size() + ")"));
            }
            return new Sent(sent, false);
        }
        final String mark = EofMark.next();
        ReplicaHandshake.write(out, "$EOF:" + mark + "\r\n");
        final long sent = copy(snapshot, out, Long.MAX_VALUE);
        ReplicaHandshake.write(out, mark);
        return new Sent(sent, true);
    }

    private static long sendFile(Snapshot snapshot, OutputStream out) throws IOException {
        final FileChannel opened;
        try {
            opened = FileChannel.open(snapshot.file(), StandardOpenOption.READ);
        } catch (IOException e) {
            throw new SourceFailure(e);
        }
        try (FileChannel file = opened) {
            final long size = snapshot.size();
            if (file.size() != size) {
                throw new SourceFailure(new IOException("snapshot file " + snapshot.file() + " is " + file.size() + " bytes (expected: " + size
                    + ", its size when the Snapshot was made: a snapshot file must not change)"));
            }
            final WritableByteChannel channel = Channels.newChannel(out);
            long sent = 0;
            while (sent < size) {
                sent += file.transferTo(sent, size - sent, channel);
            }
            return sent;
        }
    }

    /** Copies up to {@code max} bytes (and checks there are no more when a size was given). */
    private static long copy(Snapshot snapshot, OutputStream out, long max) throws IOException {
        final byte[] buf = new byte[64 * 1024];
        long sent = 0;
        try (InputStream in = open(snapshot)) {
            while (sent < max) {
                final int n = read(in, buf, (int) Math.min(buf.length, max - sent));
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
                sent += n;
            }
            if (max != Long.MAX_VALUE && read(in, buf, 1) >= 0) {
                throw new SourceFailure(new IOException("snapshot " + snapshot + " gave more bytes than its size"));
            }
        }
        return sent;
    }

    private static InputStream open(Snapshot snapshot) throws SourceFailure {
        try {
            return snapshot.open();
        } catch (IOException | RuntimeException e) {
            throw new SourceFailure(e);
        }
    }

    private static int read(InputStream in, byte[] buf, int length) throws SourceFailure {
        try {
            return in.read(buf, 0, length);
        } catch (IOException | RuntimeException e) {
            throw new SourceFailure(e);
        }
    }
}
