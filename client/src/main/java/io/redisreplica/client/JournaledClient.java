package io.redisreplica.client;

import java.io.IOException;

import io.redisreplica.client.ReplicationClient.Options;
import io.redisreplica.client.ReplicationClient.Position;
import io.redisreplica.client.impl.MasterFinder;
import io.redisreplica.client.impl.StreamJournal;
import io.redisreplica.client.impl.TransactionStart;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.rdb.RdbHeader;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;

/**
 * A {@link ReplicationClient} whose every delivered command is journaled first (the {@code
 * journal} module, Chronicle Queue underneath), so that the application's own restarts, kill -9
 * included, resume exactly after what it {@linkplain #acknowledge() acknowledged}: each command
 * is delivered once after the last acknowledgement, none before it.
 *
 * <p>At {@link #open}, the commands delivered after the last acknowledgement (the application did
 * not confirm it applied them) come first, from the journal; then the master is asked to continue
 * after the last of them ({@code PSYNC}): the master needs to hold only what came after it, not
 * what the application had not acknowledged. When the master no longer holds even that, the
 * journal's commands are still delivered, and then a full resync: {@link #snapshotPending()}
 * turns true and {@link #readSnapshot} reads it. A link that fails while streaming is reconnected
 * inside {@link #next} from the last command received, the same way. Opened with {@link Sentinels},
 * it asks them for the master at every connect and once a second while streaming, and moves to the
 * master they name after a failover (which continues the stream, or resyncs in full when this
 * client received bytes the new master never had).
 *
 * <pre>{@code
 * try (JournaledClient client = JournaledClient.open(ReplicationClient.options("10.0.0.5", 6379),
 *         new JournalContext().dir(Path.of("/var/lib/app/changes")))) {
 *     restore(client.acknowledged());                // the application's state as of its last acknowledgement
 *     while (running) {
 *         if (client.snapshotPending()) {
 *             client.readSnapshot(visitor);          // every key of the master
 *             client.acknowledge();
 *         }
 *         Command c = client.next(1_000);            // null after a second without a command
 *         if (c != null) {
 *             apply(client.db(), c);
 *             client.acknowledge();                  // durable (an fsync): acknowledge per batch where that is enough
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>What the application acknowledged must be what it made durable itself: after a crash it
 * receives again everything after its last acknowledgement, so its own state must be the one of
 * {@link #acknowledged()} (roll back what it wrote after it, or apply idempotently). Journal files
 * wholly before the acknowledged offset are deleted now and then; the journal's size and age
 * limits ({@link JournalContext#maxBytesPerShard}, {@link JournalContext#maxAge}) bound it when
 * the application does not acknowledge.
 *
 * <p>The {@code journal} module is an optional dependency of the client: add it to use this
 * class. One process opens a journal directory at a time (it is locked). Not thread-safe: one
 * thread pulls.
 *
 * <p>MULTI and EXEC are delivered as commands, and {@link #inTransaction()} says whether the last
 * command is inside one. A restart never starts inside a transaction: {@link #acknowledge()}
 * there records the point before its MULTI, so the transaction is delivered again whole, from its
 * MULTI, never its tail alone (an application that applies a transaction at its EXEC loses
 * nothing; one that applied its first commands rolls them back to {@link #acknowledged()}, as
 * for any command after the acknowledgement).
 *
 * <p>Over 300 lines: the public API (open, next, readSnapshot, acknowledge) and its Javadoc; the
 * journal's bookkeeping is StreamJournal's, the master's whereabouts MasterFinder's and where a
 * transaction began TransactionStart's.
 */
public final class JournaledClient implements AutoCloseable {
    private final MasterFinder masters;
    private final StreamJournal journal;
    private final JournalEntry entry = new JournalEntry();
    private final CommandFramer replayFramer;
    private final TransactionStart transaction = new TransactionStart();
    private ReplicationClient client;
    /** A snapshot read failed part way: the next connection asks for a full resync, whatever the position. */
    private boolean mustResync;
    private boolean snapshotPending;
    /** Whether the master delivered a snapshot or a command since open (then reconnects continue after it). */
    private boolean live;
    private long replayLeft;
    /** What the last delivered command (or snapshot) left: the journal offset after it and the master's position. */
    private long journalOffset = -1;
    private String replid;
    private long offset;
    private int db;

    private JournaledClient(Sentinels sentinels, Options options, StreamJournal journal) {
        this.masters = new MasterFinder(sentinels, options);
        this.journal = journal;
        this.replayFramer = new CommandFramer(options.limits());
        this.replayLeft = journal.pendingCount();
        final Position acked = journal.acknowledged();
        this.replid = acked.replid();
        this.offset = acked.offset();
        this.db = acked.db();
    }

    /**
     * Opens the journal (creating it) and, when no command is to be delivered again from it,
     * connects to the master; otherwise the connection waits until those are delivered.
     *
     * @param options where the master is and how to connect
     * @param journal the journal's directory and limits
     * @return the client; close it to drop the link and release the journal
     * @throws IOException when the master cannot be reached or refuses the handshake
     * @throws io.redisreplica.journal.JournalException when the journal cannot be opened (another
     *     process holds it, the disk is full)
     */
    public static JournaledClient open(Options options, JournalContext journal) throws IOException {
        return open(null, options, journal);
    }

    /**
     * As {@link #open(Options, JournalContext)}, with the master found through Sentinel at every
     * connect, so a failover is followed: the new master continues the stream.
     *
     * @param sentinels where to ask for the master (null: {@code options}' own address)
     * @param options how to connect to the master (its host and port are the sentinels' answer)
     * @param journal the journal's directory and limits
     * @return the client; close it to drop the link and release the journal
     * @throws IOException when no sentinel names the master, or the master cannot be reached
     */
    public static JournaledClient open(Sentinels sentinels, Options options, JournalContext journal) throws IOException {
        final JournaledClient client = new JournaledClient(sentinels, options, StreamJournal.open(journal));
        try {
            if (client.replayLeft == 0) {
                client.connect(client.journal.resumeFrom());
            }
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void connect(Position from) throws IOException {
        client = ReplicationClient.connect(masters.master(), from);
        if (client.sync().full()) {
            snapshotPending = true;
            transaction.reset(); // what was received of a transaction is replaced by the snapshot
        } else {
            journal.history(client.sync().replid());
        }
    }

    /**
     * The position the application last acknowledged, as it stood when the journal was opened:
     * its own state must be the one of this position ({@link Position#NONE}: none; a full resync follows).
     *
     * @return the acknowledged position at open
     */
    public Position acknowledged() {
        return journal.acknowledged();
    }

    /**
     * Whether the master answered with a full resync whose snapshot must be read ({@link
     * #readSnapshot}) before more commands: true once the journal's commands are delivered.
     *
     * @return true when a snapshot is to be read
     */
    public boolean snapshotPending() {
        return snapshotPending && replayLeft == 0;
    }

    /**
     * Reads the master's snapshot after a full resync ({@link #snapshotPending()}), every entry to
     * {@code visitor}; the full resync is journaled first, so a restart before the application
     * acknowledges it asks for a new snapshot.
     *
     * @param visitor what receives the snapshot's entries
     * @return the snapshot's header
     * @throws IOException when the link fails (a new full resync is asked for at the next {@link #next})
     */
    public RdbHeader readSnapshot(RdbVisitor visitor) throws IOException {
        if (!snapshotPending()) {
            throw new IllegalStateException(snapshotPending ? "the journal's commands come first: call next() until it returns null"
                : "no snapshot is pending");
        }
        // the marker's end becomes what acknowledge() records only once the snapshot was read whole:
        // acknowledged before, a restart would not see the marker and would continue from the old position
        final long markerEnd = journal.fullResync(client.sync().replid(), client.sync().offset());
        final RdbHeader header;
        try {
            header = client.readSnapshot(visitor);
        } catch (IOException | RuntimeException e) {
            // the link is half read and the application holds part of a snapshot: the next call
            // reconnects and asks for a new full resync (the marker journaled says so to a restart)
            snapshotPending = false;
            live = false;
            mustResync = true;
            try {
                dropLink();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        journalOffset = markerEnd;
        transaction.reset();
        mustResync = false;
        snapshotPending = false;
        live = true;
        replid = client.sync().replid();
        offset = client.offset();
        db = client.db();
        return header;
    }

    /**
     * The next command: first those delivered before the last stop and not acknowledged (from the
     * journal), then the master's, each journaled before it is returned. Waits up to {@code
     * timeoutMillis}; null when none came, or when a reconnect found that the master resynced in
     * full ({@link #snapshotPending()}). The command is valid until the next call.
     *
     * @param timeoutMillis how long to wait for a command
     * @return the command, or null
     * @throws IOException when the master cannot be reached: call again to retry
     * @throws IllegalStateException while a snapshot is pending
     */
    public Command next(long timeoutMillis) throws IOException {
        if (replayLeft > 0) {
            if (journal.nextPending(entry)) {
                replayLeft--;
                if (replayFramer.frame(entry.payload(), entry.payloadOffset(), entry.payloadLength()) != entry.payloadLength()) {
                    throw new IllegalStateException("journal entry at offset " + entry.startOffset() + " is not one whole command");
                }
                transaction.deliver(replayFramer.command(), journalOffset, replid, offset, db);
                journalOffset = entry.endOffset();
                replid = journal.replid();
                offset = entry.upstreamOffset();
                db = entry.db();
                return replayFramer.command();
            }
            throw new IllegalStateException("the journal ended " + replayLeft + " commands short of what it held at open");
        }
        if (snapshotPending) {
            throw new IllegalStateException("the master resynced in full: readSnapshot() first");
        }
        if (client == null) {
            connect(resumePosition());
            if (snapshotPending) {
                return null;
            }
        }
        if (masters.moved()) {
            dropLink(); // a failover: reconnected at the next call, to the master the sentinels name now
            return null;
        }
        final Command c;
        try {
            c = client.next(timeoutMillis);
        } catch (IOException e) {
            dropLink(); // reconnected at the next call, from the last command received
            return null;
        }
        if (c == null) {
            return null;
        }
        transaction.deliver(c, journalOffset, replid, offset, db);
        journalOffset = journal.append(c.buffer(), c.offset(), c.length(), client.offset(), client.db());
        live = true;
        replid = client.sync().replid();
        offset = client.offset();
        db = client.db();
        return c;
    }

    /** Where to continue: the journal's resume point until the master delivered something, then after the last command. */
    private Position resumePosition() {
        return mustResync ? Position.NONE : live ? new Position(replid, offset, db) : journal.resumeFrom();
    }

    private void dropLink() throws IOException {
        final ReplicationClient failed = client;
        client = null;
        failed.close();
    }

    /**
     * Records durably (the checkpoint file, fsynced) that the application has applied every
     * command returned so far (and the snapshot): a restart delivers what follows, exactly.
     * Inside a transaction ({@link #inTransaction()}) it records the point before the
     * transaction's MULTI: a restart delivers the transaction again whole.
     */
    public void acknowledge() {
        if (transaction.open()) {
            if (transaction.journalOffset() >= 0) { // else the MULTI came first after open: the checkpoint holds that point already
                journal.acknowledge(transaction.journalOffset(), new Position(transaction.replid(), transaction.offset(),
                    transaction.db()));
            }
        } else if (journalOffset >= 0) {
            journal.acknowledge(journalOffset, position());
        }
    }

    /**
     * Whether the last command returned is inside a MULTI/EXEC of the master (its MULTI included,
     * its EXEC not), as {@link ReplicationClient#inTransaction()}; also across a reconnect inside
     * the transaction, and for the commands the journal delivers again.
     *
     * @return true inside a transaction
     */
    public boolean inTransaction() {
        return transaction.open();
    }

    /**
     * The database the last command returned applies to.
     *
     * @return the db number
     */
    public int db() {
        return db;
    }

    /**
     * The master's offset after the last command returned, without allocating.
     *
     * @return the offset of {@link #position()}
     */
    public long offset() {
        return offset;
    }

    /**
     * The master's position after the last command returned.
     *
     * @return a new position
     */
    public Position position() {
        return new Position(replid, offset, db);
    }

    /** Drops the link and closes the journal. */
    @Override
    public void close() throws IOException {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            journal.close();
        }
    }
}
