package io.redisreplica.router.downstream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.StandardOpenOption;

import io.redisreplica.server.spi.EofMark;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.server.GrowingSnapshot;

/**
 * A full resync from the shard's snapshot while the master's RDB is still being split into it,
 * framed as a diskless Redis master frames it ({@code rdbSaveRioWithEOFMark}): {@code $EOF:}
 * and 40 random hex characters, the RDB (with its own CRC64 at the end, which the replica checks
 * when it loads), then the same 40 characters. The replica ({@code readSyncBulkPayload}) takes the
 * transfer as ended when the last 40 bytes it read are the mark, so the mark is the commit: it is
 * sent only once the split is done and the shard's new epoch is in place. A split that fails
 * first ends the connection before the mark, and the replica discards what it got and syncs again.
 *
 * <p>The bytes come from the shard's file as the split writes it, read behind the writer's
 * published position: the disk is the buffer, nothing of the RDB is held here, and a slow replica
 * slows neither the split nor the other replicas.
 */
final class SnapshotStream {
    /** How long one wait for more bytes lasts before the session looks again (a close, a failed split). */
    private static final long WAIT_MILLIS = 100;

    /** The split failed: no fault of the replica's, which syncs again when it reconnects. */
    static final class Abandoned extends IOException {
        Abandoned(String message) {
            super(message);
        }
    }

    private SnapshotStream() {
    }

    /**
     * Sends {@code snapshot} as it grows, and seeks {@code reader} to its offset once complete; the
     * journal stream continues there, in the snapshot's epoch.
     *
     * @param closing true when the session must stop (the router closes it)
     * @throws Abandoned when the split fails before the snapshot is complete
     */
    static SnapshotSender.Sent send(ShardRuntime shard, GrowingSnapshot snapshot, boolean psync, JournalReader reader, OutputStream out,
        java.util.function.BooleanSupplier closing) throws IOException {
        final FileChannel opened;
        try {
            opened = FileChannel.open(snapshot.file(), StandardOpenOption.READ);
        } catch (java.nio.file.NoSuchFileException gone) {
            // put in place (renamed) or abandoned since the session decided: the replica syncs again,
            // and that is not its failure
            throw new Abandoned("the snapshot of shard " + shard.name() + " was put in place or abandoned before its stream began");
        }
        try (FileChannel file = opened) {
            // the master may take minutes to save its RDB before its first byte: newlines until the shard's first bytes are on
            // disk, as a master preparing an RDB sends them, or the replica's repl-timeout would end a transfer not yet begun
            while (snapshot.written() == 0 && snapshot.state() == GrowingSnapshot.State.GROWING) {
                if (closing.getAsBoolean()) {
                    throw new IOException("closed while the snapshot of shard " + shard.name() + " was growing");
                }
                SnapshotSender.write(out, "\n");
                out.flush();
                await(snapshot, 0, 1000, shard);
            }
            if (snapshot.state() == GrowingSnapshot.State.ABANDONED) {
                throw new Abandoned("the snapshot of shard " + shard.name() + " was abandoned before its first bytes: " + snapshot.failure());
            }
            if (psync) {
                SnapshotSender.write(out, "+FULLRESYNC " + snapshot.replid() + " " + snapshot.offset() + "\r\n");
            }
            final String mark = EofMark.next();
            SnapshotSender.write(out, "$EOF:" + mark + "\r\n");
            out.flush();
            final WritableByteChannel channel = Channels.newChannel(out);
            long sent = 0;
            while (true) {
                final GrowingSnapshot.State state = snapshot.state(); // before the position: what is written when it is complete is all
                final long written = snapshot.written();
                if (state == GrowingSnapshot.State.ABANDONED) {
                    throw new Abandoned("the snapshot of shard " + shard.name() + " was abandoned after " + sent + " bytes sent: "
                        + snapshot.failure());
                }
                if (sent < written) {
                    sent += file.transferTo(sent, written - sent, channel);
                    continue;
                }
                if (state == GrowingSnapshot.State.COMPLETE) {
                    break;
                }
                if (closing.getAsBoolean()) {
                    throw new IOException("closed while the snapshot of shard " + shard.name() + " was growing");
                }
                out.flush(); // what is there goes out before the wait: the replica loads as the split goes
                await(snapshot, sent, WAIT_MILLIS, shard);
            }
            if (reader.seek(snapshot.offset()) != SeekResult.BOUNDARY) {
                // no mark: the replica discards the transfer rather than load a snapshot it cannot follow
                throw new IOException("journal of shard " + shard.name() + " does not hold the snapshot offset " + snapshot.offset());
            }
            SnapshotSender.write(out, mark);
            return new SnapshotSender.Sent(snapshot.offset(), sent, true);
        }
    }

    private static void await(GrowingSnapshot snapshot, long position, long millis, ShardRuntime shard) throws IOException {
        try {
            snapshot.awaitBeyond(position, millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while streaming the snapshot of shard " + shard.name(), e);
        }
    }
}
