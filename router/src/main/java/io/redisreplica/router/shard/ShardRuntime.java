package io.redisreplica.router.shard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.redisreplica.journal.JournalWriter;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.server.GrowingSnapshot;
import io.redisreplica.server.Snapshot;

/**
 * One shard at run time: its journal and writer, and its identity as a master (replid, epoch,
 * the offset its snapshot stands at). The upstream link writes; downstream sessions read.
 */
public final class ShardRuntime {

    private final ShardMap.Shard shard;
    private final ShardJournal journal;
    private final JournalWriter writer;
    /** Told when a reader finds the journal damaged while running (the router asks the master for a new snapshot). */
    private volatile java.util.function.Consumer<String> onDamage = reason -> { };

    public void onJournalDamage(java.util.function.Consumer<String> handler) {
        this.onDamage = handler;
    }

    /** A session could not read entries it needs: the shard must start over from a new snapshot. */
    public synchronized void journalDamaged(String reason) {
        if (damageReportedInEpoch == epoch()) {
            return; // once per epoch: the full sync under way makes the next one, and the replicas follow it
        }
        damageReportedInEpoch = epoch();
        onDamage.accept(reason);
    }

    private volatile long damageReportedInEpoch = -1;

    /** Whether a session reported this epoch's journal unreadable: replicas wait for the next epoch's snapshot. */
    public boolean journalDamagedInThisEpoch() {
        return damageReportedInEpoch == epoch;
    }
    private final Path snapshot;
    private volatile String replid;
    private volatile long epoch;
    private volatile long snapshotOffset = -1;
    private volatile String snapshotWait = "first_sync";
    private String fingerprint;
    private final java.util.concurrent.atomic.AtomicLong fullResyncs = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong partialResyncs = new java.util.concurrent.atomic.AtomicLong();

    /** Full resyncs this shard has served to its replicas. */
    public long fullResyncs() {
        return fullResyncs.get();
    }

    /** Partial resyncs (+CONTINUE) this shard has served. */
    public long partialResyncs() {
        return partialResyncs.get();
    }

    public void countFullResync() {
        fullResyncs.incrementAndGet();
    }

    public void countPartialResync() {
        partialResyncs.incrementAndGet();
    }

    private final String password;
    private final CommitClock commits = new CommitClock();

    /** When recent offsets were committed, for lag in milliseconds. */
    public CommitClock commits() {
        return commits;
    }

    /** Commits the shard's writer and notes when. */
    public long commit() {
        final long end = writer.commit();
        commits.committed(end, System.nanoTime(), writer.entries());
        return end;
    }

    public ShardRuntime(ShardMap.Shard shard, ShardJournal journal, JournalWriter writer, Path snapshotDir, String password) {
        this.shard = shard;
        this.password = password;
        this.journal = journal;
        this.writer = writer;
        this.snapshot = snapshotDir.resolve(shard.name() + ".rdb");
    }

    /** What replicas must AUTH with, or null. */
    public String password() {
        return password;
    }

    public ShardMap.Shard shard() {
        return shard;
    }

    public String name() {
        return shard.name();
    }

    public ShardJournal journal() {
        return journal;
    }

    public JournalWriter writer() {
        return writer;
    }

    /** The snapshot file of the current epoch. */
    public Path snapshot() {
        return snapshot;
    }

    public String replid() {
        return replid;
    }

    public long epoch() {
        return epoch;
    }

    /** Shard offset of the current snapshot, or -1 before the first full sync. */
    public long snapshotOffset() {
        return snapshotOffset;
    }

    public void restore(String savedReplid, long savedEpoch, long savedSnapshotOffset) {
        this.replid = savedReplid;
        this.epoch = savedEpoch;
        this.snapshotOffset = savedSnapshotOffset;
        this.snapshotWait = null;
    }

    /**
     * The journal was cut back at start to its last good entry, ending at {@code goodEnd}: what
     * replicas received after it may differ from what the journal holds there again (the master's
     * stream journaled anew), so the shard takes a new replid and continues the old one only up
     * to {@code goodEnd}, as a Redis master does with its replid2 after a failover.
     */
    public void cutBack(long goodEnd) {
        this.previousReplid = replid;
        this.previousReplidEnd = goodEnd;
        this.replid = Snapshot.newReplid();
    }

    private volatile String previousReplid;
    private volatile long previousReplidEnd = -1;

    /** The replid before a cut-back at start, or null: see {@link #cutBack}. */
    public String previousReplid() {
        return previousReplid;
    }

    /** Up to which offset {@link #previousReplid()} may continue. */
    public long previousReplidEnd() {
        return previousReplidEnd;
    }

    /** A new snapshot is in place at the journal's current end: new replid, so no replica continues across it. */
    private void newEpoch(String newReplid, long newEpoch, long offset) {
        this.previousReplid = null;
        this.replid = newReplid;
        this.epoch = newEpoch;
        this.snapshotOffset = offset;
        this.snapshotWait = null;
    }

    /**
     * The shard's next snapshot while the master's RDB is split into it (the server API's
     * {@link GrowingSnapshot}: bytes on disk so far, replid and offset) and the epoch the shard
     * takes with it, published together so a session reads both at once.
     */
    public record Next(GrowingSnapshot snapshot, long epoch) {
    }

    private volatile Next next;

    /**
     * The next snapshot, growing in {@code file} at the journal's end {@code offset}: its replid and
     * epoch are chosen now, so a replica can be told them before the split is done. Published for
     * replica sessions ({@link #next()}) until it is complete or abandoned.
     */
    public GrowingSnapshot startSnapshot(Path file, long offset) {
        final GrowingSnapshot snapshot = new GrowingSnapshot(file, Snapshot.newReplid(), offset);
        next = new Next(snapshot, epoch + 1);
        return snapshot;
    }

    /** The snapshot being split from the master's RDB right now with the epoch it starts, or null. */
    public Next next() {
        return next;
    }

    /** The snapshot being split from the master's RDB right now, or null. */
    public GrowingSnapshot growing() {
        final Next n = next;
        return n == null ? null : n.snapshot();
    }

    /**
     * Held while the snapshot file and the identity that describes it (replid, epoch, offset) change
     * together ({@link #installSnapshot}, {@link #awaitSnapshot}), and by a reader that must see
     * both alike (the shard's {@code ShardSource}: it reads the identity and opens the file under
     * it). Without it a replica could be sent the new file with the old offset, and the journal
     * after the old offset would be applied twice on top of the new dataset.
     */
    public Object snapshotLock() {
        return snapshotLock;
    }

    private final Object snapshotLock = new Object();

    /**
     * Puts the whole growing snapshot {@code done}, written to {@code file}, in place of {@link #snapshot()}
     * and takes the epoch it promised, both under {@link #snapshotLock()}.
     */
    public void installSnapshot(Path file, GrowingSnapshot done, long bytes) throws IOException {
        synchronized (snapshotLock) {
            Files.move(file, snapshot, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            newEpoch(done, bytes);
        }
    }

    /** The growing snapshot is whole (renamed to {@link #snapshot()}): the shard's new epoch, with the identity it promised. */
    public void newEpoch(GrowingSnapshot done, long bytes) {
        final Next n = next;
        if (n == null || n.snapshot() != done) {
            throw new IllegalStateException("shard " + name() + ": " + done + " is not its next snapshot (" + n + ")");
        }
        newEpoch(done.replid(), n.epoch(), done.offset());
        next = null;
        done.complete(bytes);
    }

    /** The growing snapshot failed: its readers stop, the shard keeps its epoch. */
    public void abandonSnapshot(GrowingSnapshot failed, String reason) {
        final Next n = next;
        if (n != null && n.snapshot() == failed) {
            next = null;
        }
        failed.abandon(reason);
    }

    /**
     * Why the shard has no snapshot to serve yet ({@code first_sync}, {@code shard_added},
     * {@code shard_map_changed}, {@code snapshot_incomplete}, {@code snapshot_missing}), or null
     * when it has one. Its replicas
     * wait for the next full sync of the master, then get a full resync.
     */
    public String snapshotWait() {
        return snapshotWait;
    }

    /**
     * The shard starts without a snapshot to serve (kept replid and epoch, so the next epoch
     * counts on): replicas wait, for {@code reason}, until the next full sync makes one.
     */
    public void awaitSnapshot(String savedReplid, long savedEpoch, String reason) {
        synchronized (snapshotLock) {
            this.replid = savedReplid;
            this.epoch = savedEpoch;
            this.snapshotOffset = -1;
            this.snapshotWait = reason;
        }
    }

    /** This shard's {@link ShardFingerprint} line under the running config. */
    public String fingerprint() {
        return fingerprint;
    }

    public void fingerprint(String line) {
        this.fingerprint = line;
    }
}
