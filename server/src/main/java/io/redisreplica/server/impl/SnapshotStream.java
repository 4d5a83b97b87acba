package io.redisreplica.server.impl;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;

import io.redisreplica.server.GrowingSnapshot;
import io.redisreplica.server.spi.EofMark;
import io.redisreplica.server.spi.ReplicaHandshake;

/**
 * A full resync from a {@link GrowingSnapshot} while it is written, framed as a diskless Redis
 * master frames it ({@code rdbSaveRioWithEOFMark}): {@code $EOF:} and 40 random hex characters,
 * the RDB, then the same 40 characters. The replica ({@code readSyncBulkPayload}) takes the
 * transfer as ended when the last 40 bytes it read are the mark, so the mark is the commit: this
 * sends everything but the mark, which the session sends once the source stands in the
 * snapshot's history. A snapshot abandoned first ends the connection before the mark, and the
 * replica discards what it got and syncs again. Bytes are read behind the writer's published
 * position with {@code transferTo}: a slow replica slows neither the writer nor the others.
 */
final class SnapshotStream {
    /** How long one wait for more bytes lasts before the session looks again (a close, an abandon). */
    private static final long WAIT_MILLIS = 100;

    /** The snapshot was abandoned: no fault of the replica's, which syncs again when it reconnects. */
    static final class Abandoned extends IOException {
        private static final long serialVersionUID = 1L;

        Abandoned(String message) {
            super(message);
        }
    }

    /**
     * @param bytes the snapshot's length
     * @param mark the end mark, still to be sent
     */
    record Streamed(long bytes, String mark) {
    }

    private SnapshotStream() {
    }

    /**
     * Sends {@code +FULLRESYNC} (for PSYNC), {@code $EOF:mark} and the snapshot's bytes as they
     * are written, until it is complete.
     *
     * @param closing true when the session must stop (the server closes it)
     * @throws Abandoned when the snapshot is abandoned before it is complete
     */
    static Streamed send(GrowingSnapshot snapshot, boolean psync, OutputStream out, BooleanSupplier closing)
        throws IOException, InterruptedException {
        final FileChannel opened;
        try {
            opened = FileChannel.open(snapshot.file(), StandardOpenOption.READ);
        } catch (NoSuchFileException gone) {
            throw new Abandoned("the growing snapshot " + snapshot.replid() + " was put in place or abandoned before its stream began");
        }
        try (FileChannel file = opened) {
            // the writer may take minutes before its first byte (a master saving its RDB): newlines until then,
            // as a master preparing an RDB sends them, or the replica's repl-timeout ends a transfer not yet begun
            while (snapshot.written() == 0 && snapshot.state() == GrowingSnapshot.State.GROWING) {
                checkClosing(closing);
                out.write('\n');
                out.flush();
                snapshot.awaitBeyond(0, 1000);
            }
            if (snapshot.state() == GrowingSnapshot.State.ABANDONED) {
                throw new Abandoned("the growing snapshot " + snapshot.replid() + " was abandoned before its first bytes: " + snapshot.failure());
            }
            if (psync) {
                ReplicaHandshake.write(out, "+FULLRESYNC " + snapshot.replid() + " " + snapshot.offset() + "\r\n");
            }
            final String mark = EofMark.next();
            ReplicaHandshake.write(out, "$EOF:" + mark + "\r\n");
            out.flush();
            final WritableByteChannel channel = Channels.newChannel(out);
            long sent = 0;
            while (true) {
                final GrowingSnapshot.State state = snapshot.state(); // before the position: what is written when complete is all
                final long written = snapshot.written();
                if (state == GrowingSnapshot.State.ABANDONED) {
                    throw new Abandoned("the growing snapshot " + snapshot.replid() + " was abandoned after " + sent + " bytes sent: "
                        + snapshot.failure());
                }
                if (sent < written) {
                    final long n = file.transferTo(sent, written - sent, channel);
                    if (n == 0 && file.size() <= sent) {
                        // written() said more than the file holds (told before a flush, or the file replaced): never spin on it
                        throw new Abandoned("the growing snapshot " + snapshot.replid() + " says " + written + " bytes written, its file "
                            + snapshot.file() + " holds " + file.size() + ": GrowingSnapshot.written must follow the bytes reaching the file");
                    }
                    sent += n;
                    checkClosing(closing);
                    continue;
                }
                if (state == GrowingSnapshot.State.COMPLETE) {
                    return new Streamed(sent, mark);
                }
                checkClosing(closing);
                out.flush(); // what is there goes out before the wait: the replica loads as the file grows
                snapshot.awaitBeyond(sent, WAIT_MILLIS);
            }
        }
    }

    private static void checkClosing(BooleanSupplier closing) throws IOException {
        if (closing.getAsBoolean()) {
            throw new IOException("closed while the snapshot was growing");
        }
    }
}
