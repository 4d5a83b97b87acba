package io.redisreplica.router.downstream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;

import io.redisreplica.server.spi.EofMark;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.router.shard.ShardRuntime;

/**
 * The RDB transfer of a full resync: {@code +FULLRESYNC replid offset} (for PSYNC), the shard's
 * snapshot file as a bulk ({@code $size}) or, to a replica that announced {@code capa eof}, with
 * the diskless framing ({@code $EOF:mark}, the file, the mark) a diskless master uses; and the
 * journal reader placed at the snapshot's offset, where the stream continues.
 */
final class SnapshotSender {

    /**
     * What was sent.
     *
     * @param offset the snapshot's offset: the stream continues from it
     * @param bytes the snapshot file's size
     * @param eofMark sent with the diskless framing: the replica finds the end by the mark being
     *     the last bytes it read, so nothing may follow until it ACKs
     */
    record Sent(long offset, long bytes, boolean eofMark) {
    }

    private SnapshotSender() {
    }

    /** Sends the shard's current snapshot and seeks {@code reader} to its offset; a new epoch landing meanwhile is retried. */
    static Sent send(ShardRuntime shard, boolean psync, boolean capaEof, JournalReader reader, OutputStream out) throws IOException {
        while (true) {
            final String replid = shard.replid();
            final long snapshotOffset = shard.snapshotOffset();
            try (FileChannel file = FileChannel.open(shard.snapshot(), StandardOpenOption.READ)) {
                if (!replid.equals(shard.replid())) {
                    continue; // a new epoch landed between reading its identity and opening its file
                }
                if (reader.seek(snapshotOffset) != SeekResult.BOUNDARY) {
                    throw new IOException("journal of shard " + shard.name() + " does not hold the snapshot offset " + snapshotOffset);
                }
                if (psync) {
                    write(out, "+FULLRESYNC " + replid + " " + snapshotOffset + "\r\n");
                }
                final long size = file.size();
                final String mark = capaEof ? EofMark.next() : null;
                write(out, mark != null ? "$EOF:" + mark + "\r\n" : "$" + size + "\r\n");
                out.flush();
                final WritableByteChannel channel = Channels.newChannel(out);
                long sent = 0;
                while (sent < size) {
                    sent += file.transferTo(sent, size - sent, channel);
                }
                if (mark != null) {
                    write(out, mark);
                }
                return new Sent(snapshotOffset, size, mark != null);
            }
        }
    }

    /** The start offset of the first entry after {@code from} that is not a keep-alive, or -1 when there is none. */
    static long firstWriteAfter(JournalReader reader, long from) throws IOException {
        if (reader.seek(from) != SeekResult.BOUNDARY) {
            throw new IOException("the journal does not hold the snapshot offset " + from);
        }
        final JournalEntry entry = new JournalEntry();
        while (reader.nextPiece(entry)) {
            if ((entry.flags() & JournalEntryDescriptor.FLAG_NO_KEY) == 0) {
                return entry.startOffset();
            }
        }
        return -1;
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }
}
