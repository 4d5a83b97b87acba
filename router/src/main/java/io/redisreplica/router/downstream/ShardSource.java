package io.redisreplica.router.downstream;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.server.GrowingSnapshot;
import io.redisreplica.server.JournalCursor;
import io.redisreplica.server.ReplicationSource;
import io.redisreplica.server.Snapshot;

/**
 * A shard as the server API's {@link ReplicationSource}: what the shard's {@link VirtualMaster}, a
 * {@code ReplicationServer}, serves its replicas from. The snapshot is the current epoch's file
 * with the shard's replid and offset (none before the first full sync); the journal is read
 * through a {@link ShardJournalCursor} from an entry boundary (no cursor elsewhere, so a PSYNC
 * inside an entry in pieces resyncs in full); the previous
 * replid after a cut-back, journal damage, the snapshot being split and the lag in time (the
 * commit clock's) are the shard's own. The
 * keep-alives are the master's PINGs in the journal: the source appends none of its own.
 *
 * <p>The snapshot's identity (replid, offset) and its file are read under the shard's snapshot lock,
 * under which a new epoch replaces both, so a replica never gets one epoch's file with another's
 * offset. A new epoch may land between a session's look at the snapshot and its transfer: the file
 * is opened when it is sent and checked to be still the epoch's, else the open fails (the session
 * ends, and the replica syncs again).
 */
public final class ShardSource implements ReplicationSource {
    private final ShardRuntime shard;

    public ShardSource(ShardRuntime shard) {
        this.shard = shard;
    }

    @Override
    public Snapshot snapshot() throws IOException {
        // the identity and the file under the shard's snapshot lock: a new epoch replaces both under it
        synchronized (shard.snapshotLock()) {
            final long epoch = shard.epoch();
            final String replid = shard.replid();
            final long offset = shard.snapshotOffset();
            if (offset < 0) {
                return null;
            }
            final long size = Files.size(shard.snapshot());
            return Snapshot.of(replid, offset, size, () -> open(epoch, replid, size));
        }
    }

    /** The shard's replid, its snapshot's or, while it waits for one, the one it kept (INFO shows it, as before the first split). */
    @Override
    public String replid() {
        return shard.replid();
    }

    /** The epoch's file, or an error when the shard moved to another since the snapshot was described. */
    private java.io.InputStream open(long epoch, String replid, long size) throws IOException {
        synchronized (shard.snapshotLock()) {
            if (shard.epoch() != epoch || !replid.equals(shard.replid()) || shard.snapshotOffset() < 0) {
                throw new IOException("shard " + shard.name() + " has a new snapshot since " + replid + ": the replica syncs again");
            }
            final FileChannel file = FileChannel.open(shard.snapshot(), StandardOpenOption.READ);
            if (file.size() != size) {
                file.close();
                throw new IOException("shard " + shard.name() + ": snapshot file " + shard.snapshot() + " is " + file.size()
                    + " bytes, not the " + size + " of epoch " + epoch + ": the replica syncs again");
            }
            return Channels.newInputStream(file); // the open file stays this epoch's, whatever replaces the name later
        }
    }

    @Override
    public GrowingSnapshot growingSnapshot() {
        return shard.growing();
    }

    /** The shard's reason ({@code first_sync}, {@code shard_added}...), as INFO shows it. */
    @Override
    public String snapshotWait() {
        return shard.snapshotWait();
    }

    @Override
    public long firstOffset() {
        return shard.journal().firstOffset();
    }

    @Override
    public long endOffset() {
        return shard.journal().endOffset();
    }

    @Override
    public String previousReplid() {
        return shard.previousReplid();
    }

    @Override
    public long previousReplidEnd() {
        return shard.previousReplidEnd();
    }

    @Override
    public boolean damaged() {
        return shard.journalDamagedInThisEpoch();
    }

    /** From the shard's commit clock, as the virtual master's lag figures. */
    @Override
    public double lagMillis(long offset) {
        return shard.commits().lagMillis(offset, System.nanoTime());
    }

    @Override
    public JournalCursor cursor(long offset) {
        final long epoch = shard.epoch(); // the history the cursor belongs to, read before the seek
        final JournalReader reader = shard.journal().reader();
        try {
            if (reader.seek(offset) != SeekResult.BOUNDARY) {
                reader.close();
                return null;
            }
            return new ShardJournalCursor(shard, reader, epoch); // which closes the reader when it is closed
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    @Override
    public long firstWriteAfter(long offset) throws IOException {
        try (JournalReader reader = shard.journal().reader()) {
            if (reader.seek(offset) != SeekResult.BOUNDARY) {
                throw new IOException("shard " + shard.name() + ": the journal does not hold the snapshot offset " + offset);
            }
            final JournalEntry entry = new JournalEntry();
            while (reader.nextPiece(entry)) {
                if ((entry.flags() & JournalEntryDescriptor.FLAG_NO_KEY) == 0) { // the master's PINGs make no snapshot stale
                    return entry.startOffset();
                }
            }
            return -1;
        }
    }

    @Override
    public String toString() {
        return "shard " + shard.name();
    }
}
