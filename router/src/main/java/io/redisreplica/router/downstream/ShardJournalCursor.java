package io.redisreplica.router.downstream;

import java.util.concurrent.TimeUnit;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalException;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.server.JournalCursor;

/**
 * A shard's journal as the server API's {@link JournalCursor}, from where its reader stands (a
 * session seeks it to an entry boundary first): the entries' bytes as they are, piece by piece,
 * a piece copied out over as many reads as the caller's buffer needs. An entry in pieces was
 * committed whole, and a replica that loses the link inside it discards the partial command and
 * continues at its start. Nothing is allocated per entry.
 *
 * <p>The history ends ({@link #END}) when the shard's epoch moves past the one the cursor was
 * opened in: a new snapshot, which the replica must load. Entries that cannot be read
 * ({@link JournalException}) are reported to the shard as damage (a new snapshot, not a partial
 * resync in a loop) and thrown. Read by one session's thread.
 */
final class ShardJournalCursor implements JournalCursor {
    private final ShardRuntime shard;
    private final JournalReader reader;
    private final long epoch;
    private final JournalEntry entry = new JournalEntry();
    /** Bytes of the current piece not copied out yet; 0: the next read takes the next piece. */
    private int left;

    /**
     * @param reader placed at an entry boundary; read by this cursor, and closed by its {@link #close()}
     * @param epoch the shard's epoch the stream belongs to
     */
    ShardJournalCursor(ShardRuntime shard, JournalReader reader, long epoch) {
        this.shard = shard;
        this.reader = reader;
        this.epoch = epoch;
    }

    @Override
    public int read(byte[] dst, int offset, int length) {
        int n = 0;
        while (n < length) {
            if (left == 0) {
                if (shard.epoch() != epoch) {
                    return n > 0 ? n : END; // what was copied goes out first; the next read ends the stream
                }
                if (!nextPiece()) {
                    break;
                }
                left = entry.payloadLength();
            }
            final int k = Math.min(left, length - n);
            entry.payload().getBytes(entry.payloadOffset() + entry.payloadLength() - left, dst, offset + n, k);
            left -= k;
            n += k;
        }
        return n;
    }

    private boolean nextPiece() {
        try {
            return reader.nextPiece(entry);
        } catch (JournalException damaged) {
            // entries this replica needs cannot be read: a new snapshot, not a partial resync in a loop
            shard.journalDamaged(damaged.getMessage());
            throw damaged;
        }
    }

    /** Closes the reader it was given: a session closes its cursor when its stream ends. */
    @Override
    public void close() {
        reader.close();
    }

    @Override
    public void await(long timeoutMillis) throws InterruptedException {
        reader.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
