package io.redisreplica.router.downstream;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalException;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.router.shard.ShardRuntime;

/**
 * A shard's journal written to one replica from where its reader stands, as the entries are
 * committed: each entry's bytes as they are (a long one straight from the reader's copy, others
 * through one 64 KB buffer), flushed at least every millisecond while busy and at once when idle.
 * Nothing is allocated per entry. A replica that stops reading blocks this writer, not others.
 */
final class JournalStream {
    /** Bytes written are flushed at least this often, so a busy stream still reaches the replica within a millisecond. */
    private static final long FLUSH_INTERVAL_NANOS = 1_000_000;

    private JournalStream() {
    }

    /**
     * Streams until the socket closes, the shard's epoch moves past {@code epoch} (a new
     * snapshot: the replica must resync) or the journal cannot be read.
     *
     * @param sent told the end offset of each entry written whole
     * @param written told the end offset of each piece written (inside an entry in pieces too): a
     *     replica acknowledges the commands it applied, and inside such an entry it applies some
     * @throws InterruptedException when the thread is interrupted while it waits for entries
     */
    static void write(ShardRuntime shard, JournalReader reader, OutputStream out, long epoch, Socket socket, LongConsumer sent,
        LongConsumer written)
        throws IOException, InterruptedException {
        final JournalEntry entry = new JournalEntry();
        final byte[] copy = new byte[64 * 1024];
        long lastFlush = System.nanoTime();
        while (!socket.isClosed()) {
            if (shard.epoch() != epoch) {
                throw new IOException("shard " + shard.name() + " has a new snapshot: the replica must resync");
            }
            // piece by piece: an entry in pieces was committed whole, and a replica that loses
            // the link inside it discards the partial command and continues at its start
            final boolean got;
            try {
                got = reader.nextPiece(entry);
            } catch (JournalException damaged) {
                // entries this replica needs cannot be read: a new snapshot, not a partial resync in a loop
                shard.journalDamaged(damaged.getMessage());
                throw damaged;
            }
            if (!got) {
                out.flush();
                reader.await(100, TimeUnit.MILLISECONDS);
                continue;
            }
            final byte[] array = entry.payload().byteArray();
            int off = 0;
            if (array != null) { // the reader's copy of the entry: written as it is, a long one straight to the socket
                out.write(array, (int) entry.payload().wrapAdjustment() + entry.payloadOffset(), entry.payloadLength());
                off = entry.payloadLength();
            }
            while (off < entry.payloadLength()) {
                final int n = Math.min(copy.length, entry.payloadLength() - off);
                entry.payload().getBytes(entry.payloadOffset() + off, copy, 0, n);
                out.write(copy, 0, n);
                off += n;
            }
            written.accept(entry.endOffset());
            if ((entry.flags() & JournalEntryDescriptor.FLAG_CONTINUED) == 0) {
                sent.accept(entry.endOffset());
            }
            final long now = System.nanoTime();
            if (now - lastFlush >= FLUSH_INTERVAL_NANOS) {
                out.flush();
                lastFlush = now;
            }
        }
    }
}
