package io.redisreplica.router.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import org.agrona.DirectBuffer;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.resp.Command;
import io.redisreplica.router.routing.CommandRouter;
import io.redisreplica.router.routing.ShardAppender;
import io.redisreplica.router.shard.ShardRuntime;

/**
 * Where the journal stands in the master's stream: the master's replid, the offset every shard
 * holds (and the db selected there), and the checkpoint that makes it durable. It is also the
 * router's {@link ShardAppender}: each entry is stamped with the upstream offset at its command's
 * end, and what a shard already holds from before a restart is not journaled twice. Owned by the
 * link's thread; {@link #replid()} and {@link #offset()} are published for INFO.
 */
final class UpstreamPosition {
    private static final byte[] PING = "PING".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLCONF = "REPLCONF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PUBLISH = "PUBLISH".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SPUBLISH = "SPUBLISH".getBytes(StandardCharsets.US_ASCII);
    /** What a rewound shard's journal gets, stamped at the fork, so its last upstream stamp is the fork again. */
    private static final byte[] KEEPALIVE = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private final Journal journal;
    private final List<ShardRuntime> shards;
    /** Adds what the router knows of its receivers to each checkpoint. */
    private final Consumer<Checkpoint> receivers;
    private final CommandRouter router;
    private final CheckpointWriter checkpoints;

    private volatile String replid;
    /** Master offset covered by the journal. */
    private volatile long offset;
    /** The master's selected db at {@link #offset}. */
    private int db;
    /** Upstream offset at the end of the command being routed. */
    private long current;
    /**
     * The end of the last command that was more than the master's PING, REPLCONF or PUBLISH (Sentinel
     * says hello through the master every 2 s): what the stream after it holds changes no key and no
     * state of the router, so a new master whose history forks after it can take the position back
     * to the fork ({@link #rewind}). Keep-alive entries are stamped with it.
     */
    private long dataEnd;
    /** Per shard: upstream offset up to which its journal already holds the replayed stream. */
    private final long[] skipUpTo;
    private volatile long replaySkipped;

    /** @param routerOf makes the router that journals through this position */
    UpstreamPosition(Journal journal, List<ShardRuntime> shards, Consumer<Checkpoint> receivers,
                     Function<ShardAppender, CommandRouter> routerOf, CheckpointWriter checkpoints) {
        this.journal = journal;
        this.checkpoints = checkpoints;
        this.shards = shards;
        this.receivers = receivers;
        this.router = routerOf.apply(this::append);
        final Checkpoint cp = journal.checkpoint();
        // Resume from the checkpoint: every shard holds the stream up to it. Shards may hold more
        // (commands journaled after the last checkpoint); skipUpTo keeps them from twice.
        this.replid = cp.upstreamReplid();
        this.offset = cp.upstreamOffset();
        this.db = cp.upstreamDb();
        this.dataEnd = offset; // unknown before: nothing before the checkpoint may be given back
        router.db(db); // a partial resync does not repeat the master's SELECT
        router.restoreReads(cp.reads());
        this.skipUpTo = new long[shards.size()];
        for (int i = 0; i < shards.size(); i++) {
            skipUpTo[i] = shards.get(i).journal().lastUpstreamOffset();
        }
    }

    CommandRouter router() {
        return router;
    }

    String replid() {
        return replid;
    }

    long offset() {
        return offset;
    }

    /** Entries not journaled again during the replay after a restart, because their shard had them. */
    long replaySkipped() {
        return replaySkipped;
    }

    /**
     * Journals one master command's part of a shard as one entry, stamped with the upstream
     * offset at its end. After a restart the link replays from the checkpoint, which all shards
     * are known to hold; a shard skips what its own journal already has (written before the crash
     * by a command that reached some shards and not others). Values read from the master are
     * always appended (see {@link ShardAppender}), stamped no lower than what the journal holds.
     */
    private boolean append(int shard, int shardDb, boolean read, DirectBuffer bytes, int off, int len) {
        if (read) {
            shards.get(shard).writer().append(Math.max(current, skipUpTo[shard]), shardDb, JournalEntryDescriptor.FLAG_READ, bytes, off,
                len);
            return true;
        }
        if (current <= skipUpTo[shard]) {
            replaySkipped++;
            return false;
        }
        shards.get(shard).writer().append(current, shardDb, 0, bytes, off, len);
        return true;
    }

    /** The command being routed ends at this upstream offset. */
    void at(long upstreamOffset) {
        current = upstreamOffset;
    }

    /** The command just routed ({@link #at}) carried data unless it was the master's PING, REPLCONF or a PUBLISH. */
    void routed(Command c) {
        if (!c.nameIs(PING) && !c.nameIs(REPLCONF) && !c.nameIs(PUBLISH) && !c.nameIs(SPUBLISH)) {
            dataEnd = current;
        }
    }

    /**
     * Where the keep-alive entries are stamped: the end of the last command with data, so only data
     * moves a shard's upstream stamps (the pings after it may be given back by {@link #rewind}).
     */
    long current() {
        return dataEnd;
    }

    /**
     * A new master's history forks from ours at {@code forkEnd} (its {@code second_repl_offset - 1}),
     * before the end the journal covers: when everything after the fork was pings and publishes (the
     * old master's, sent after the promotion), the position goes back to the fork and the PSYNC
     * continues there. A shard that journaled such a PUBLISH keeps it (it changes no key) and gets
     * a keep-alive stamped at the fork, so neither this link nor a restart skips the new master's
     * commands after the fork as already held. Otherwise the journal holds writes the new master
     * never had.
     *
     * @return whether the position went back
     */
    boolean rewind(long forkEnd) {
        if (forkEnd < dataEnd || forkEnd >= offset || "?".equals(replid) || router.inTransaction()) {
            return false;
        }
        for (int i = 0; i < shards.size(); i++) {
            if (shards.get(i).writer().lastUpstreamOffset() > forkEnd) {
                shards.get(i).writer().append(forkEnd, 0, JournalEntryDescriptor.FLAG_NO_KEY, KEEPALIVE);
                shards.get(i).commit();
            }
            skipUpTo[i] = Math.min(skipUpTo[i], forkEnd);
        }
        offset = forkEnd;
        current = forkEnd;
        return true;
    }

    /** Forgets the master's history: the next PSYNC asks for a full sync. */
    void forget() {
        replid = "?";
        offset = -1;
    }

    /**
     * Before a PSYNC: what an earlier connection journaled but did not get to commit is kept, not
     * written twice, and the stream comes again from the offset in its db.
     */
    void resume() {
        for (int i = 0; i < shards.size(); i++) {
            shards.get(i).commit();
            skipUpTo[i] = Math.max(skipUpTo[i], shards.get(i).writer().lastUpstreamOffset());
        }
        router.db(db);
    }

    /** PSYNC's first argument. */
    String psyncReplid() {
        return offset < 0 ? "?" : replid;
    }

    /** PSYNC's second argument: the first byte the journal does not hold. */
    String psyncOffset() {
        return offset < 0 || "?".equals(replid) ? "-1" : Long.toString(offset + 1);
    }

    /** {@code +CONTINUE [replid]}: the master may name a new replid (after a failover). */
    void continued(String newReplid) {
        if (newReplid != null) {
            replid = newReplid;
        }
    }

    /** A full sync made new snapshots at {@code masterOffset}: a new dataset, offsets start over, nothing to skip. */
    void fullSynced(String newReplid, long masterOffset) {
        router.reset();
        db = 0;
        Arrays.fill(skipUpTo, -1);
        replid = newReplid; // "?" after a SYNC: the next connection asks for a full sync again
        offset = "?".equals(newReplid) ? -1 : masterOffset;
        current = masterOffset;
        dataEnd = masterOffset;
    }

    /** Commits every shard's appended entries and moves the covered upstream offset to what they hold. */
    void commit(long framedUpTo) {
        for (ShardRuntime shard : shards) {
            shard.commit();
        }
        // inside a master's MULTI nothing of it is journaled yet: resume from before it
        offset = router.inTransaction() ? Math.max(offset, router.stableOffset()) : framedUpTo;
        db = router.inTransaction() ? router.stableDb() : router.db();
    }

    /**
     * Checkpoints every shard as having no snapshot (offset -1): a start from it takes a full sync.
     * A checkpoint that vouches for no snapshot (the first full sync) is left as it is: written
     * again, it would only cost two fsyncs before the shards' replicas get their snapshots' end.
     */
    void withdrawSnapshots() {
        checkpoints.rewrite(cp -> {
            boolean withdrawn = false;
            for (ShardRuntime shard : shards) {
                final Checkpoint.ShardState saved = cp.shards().get(shard.name());
                if (saved != null && saved.snapshotOffset() >= 0) {
                    cp.shard(shard.name(), saved.replid(), saved.epoch(), -1);
                    withdrawn = true;
                }
            }
            return withdrawn ? cp : null;
        });
    }

    /** Writes the checkpoint now: it is durable when this returns (a full sync's new snapshots, a clean stop). */
    void writeCheckpoint() {
        checkpoints.write(checkpoint());
    }

    /** Hands the checkpoint to the {@code checkpoint} thread and returns at once: the stream's periodic one. */
    void offerCheckpoint() {
        checkpoints.offer(checkpoint());
    }

    private Checkpoint checkpoint() {
        final Checkpoint cp = journal.checkpoint();
        if (!"?".equals(replid)) {
            cp.upstream(replid, offset, db);
            cp.reads(router.openReads(offset)); // a restart from offset skips what those reads already hold
        }
        boolean allSnapshots = true;
        for (ShardRuntime shard : shards) {
            if (shard.snapshotOffset() >= 0) {
                cp.shard(shard.name(), shard.replid(), shard.epoch(), shard.snapshotOffset(), shard.journal().endOffset());
            } else {
                allSnapshots = false;
            }
        }
        if (allSnapshots) {
            // the map is recorded once every shard's snapshot was built by it; until then the old one
            // stays, so a restart before the rebuild is done still sees the change
            final Map<String, String> map = new LinkedHashMap<>();
            shards.forEach(shard -> map.put(shard.name(), shard.fingerprint()));
            cp.shardMap(map);
        }
        receivers.accept(cp);
        return cp;
    }
}
