package io.redisreplica.router.downstream;

import io.redisreplica.router.support.SafeText;

/**
 * The answer to a replica's SYNC or PSYNC, decided from values alone (no I/O, no clock): what
 * the replica asked, what the replica policy says of it, and where the shard is. The session
 * reads those values, asks {@link #decide}, and does what the decision says.
 *
 * <p>In order: an rdb-only client ({@code redis-cli --rdb}) gets the snapshot while it is
 * current, else an error; a replica the policy dropped is refused (after a hold); before the
 * shard's first snapshot the replica waits; a PSYNC with the shard's replid and an offset the
 * journal holds gets {@code +CONTINUE}; anything else a full resync from the snapshot. While the
 * master's RDB is being split into the shard's next snapshot, what would wait or resync in full
 * takes that one instead: streamed as it grows to a replica that announced {@code capa eof}, after
 * a wait for the whole file to one that did not (a {@code $len} transfer needs its size first).
 * A CONTINUE is confirmed by the journal (the offset must be at an entry boundary, which only a
 * seek can tell); where it is not, the session falls back to a full resync.
 *
 * @param action what to do
 * @param offset CONTINUE: the journal offset to stream from (the PSYNC offset - 1, Redis's next
 *     byte); FULL_RESYNC and RDB_ONLY: the snapshot offset seen; otherwise -1
 * @param reply REFUSE and REFUSE_DROPPED: the error line to answer (with its CRLF); otherwise null
 * @param reason why, for the log
 */
public record SyncDecision(Action action, long offset, String reply, String reason) {

    public enum Action {
        /** {@code +CONTINUE}: stream the journal from {@link #offset}. */
        CONTINUE,
        /** {@code +FULLRESYNC} (or a bare RDB for SYNC): the snapshot, then the journal from its offset. */
        FULL_RESYNC,
        /** The snapshot only, for a client that wants nothing after it. */
        RDB_ONLY,
        /** The shard's next snapshot, as the split writes it, with the diskless framing ({@code $EOF:mark}). */
        STREAM_SNAPSHOT,
        /** No snapshot yet: hold the replica with newlines until the router's first full sync made one. */
        WAIT_FOR_SNAPSHOT,
        /** Answer {@link #reply} and close. */
        REFUSE,
        /** Dropped by the policy: hold the connection (a refused replica reconnects at once), then answer {@link #reply}. */
        REFUSE_DROPPED
    }

    /**
     * What the replica asked, and what the policy said of it.
     *
     * @param replid the PSYNC replid, null for SYNC (and {@code ?})
     * @param offset the PSYNC offset (the replica's next byte), -1 for SYNC
     * @param rdbOnly {@code REPLCONF rdb-only 1}: an RDB file, then nothing
     * @param refusal the policy's error for a dropped replica, null when it may sync
     * @param forceFull a drop expired: its offset is not trusted
     * @param self this listener as {@code host port}, for the rdb-only error's advice
     * @param capaEof {@code REPLCONF capa eof}: it reads an RDB framed by an end mark, so it can be sent one whose size is not known yet
     */
    public record Request(String replid, long offset, boolean rdbOnly, String refusal, boolean forceFull, String self, boolean capaEof) {
        public Request(String replid, long offset, boolean rdbOnly, String refusal, boolean forceFull, String self) {
            this(replid, offset, rdbOnly, refusal, forceFull, self, false);
        }
    }

    /**
     * Where the shard is.
     *
     * @param name the shard's name, for errors
     * @param replid its replication id
     * @param snapshotOffset the offset of its snapshot, -1 before the first
     * @param journalFirst the start offset of the journal's first retained entry
     * @param journalEnd the journal's committed end offset
     * @param firstWriteAfterSnapshot the start of the first write (not a keep-alive) after the
     *     snapshot, -1 when none; only read for an rdb-only request
     * @param previousReplid the replid the shard had before its journal's damaged tail was cut
     *     back at start (as Redis keeps replid2 after a failover), or null
     * @param previousReplidEnd up to which offset the previous replid's history is the shard's own
     * @param journalDamaged a replica found entries of this epoch unreadable: the master's full
     *     sync under way makes a new snapshot, and every replica waits for it (reading the damage
     *     again, reconnect after reconnect, would help nothing and log each time)
     * @param snapshotGrowing the master's RDB is being split into the shard's next snapshot: the
     *     current epoch ends when it is done
     */
    public record Shard(String name, String replid, long snapshotOffset, long journalFirst, long journalEnd,
        long firstWriteAfterSnapshot, String previousReplid, long previousReplidEnd, boolean journalDamaged, boolean snapshotGrowing) {
        public Shard(String name, String replid, long snapshotOffset, long journalFirst, long journalEnd, long firstWriteAfterSnapshot) {
            this(name, replid, snapshotOffset, journalFirst, journalEnd, firstWriteAfterSnapshot, null, -1, false, false);
        }

        public Shard(String name, String replid, long snapshotOffset, long journalFirst, long journalEnd, long firstWriteAfterSnapshot,
            String previousReplid, long previousReplidEnd, boolean journalDamaged) {
            this(name, replid, snapshotOffset, journalFirst, journalEnd, firstWriteAfterSnapshot, previousReplid, previousReplidEnd,
                journalDamaged, false);
        }
    }

    public static SyncDecision decide(Request request, Shard shard) {
        if (request.rdbOnly()) {
            return rdbOnly(request, shard);
        }
        if (request.refusal() != null) {
            return new SyncDecision(Action.REFUSE_DROPPED, -1, request.refusal(), "sync refused, dropped by policy");
        }
        if (shard.snapshotGrowing() && (shard.snapshotOffset() < 0 || shard.journalDamaged() || whyNotContinue(request, shard) != null)) {
            // the snapshot there is (if any) is about to be replaced: the new one, not the old one twice
            return request.capaEof()
                ? new SyncDecision(Action.STREAM_SNAPSHOT, -1, null, "the shard's next snapshot is being split: streamed as it grows")
                : new SyncDecision(Action.WAIT_FOR_SNAPSHOT, -1, null,
                    "the shard's next snapshot is being split, and a replica without capa eof needs its size first");
        }
        if (shard.snapshotOffset() < 0) {
            return new SyncDecision(Action.WAIT_FOR_SNAPSHOT, -1, null, "the shard has no snapshot yet");
        }
        if (shard.journalDamaged()) {
            return new SyncDecision(Action.WAIT_FOR_SNAPSHOT, -1, null,
                "the shard's journal cannot be read: the master's full sync makes a new snapshot");
        }
        final String why = whyNotContinue(request, shard);
        if (why == null) {
            return new SyncDecision(Action.CONTINUE, request.offset() - 1, null, "partial resync from offset " + request.offset());
        }
        return new SyncDecision(Action.FULL_RESYNC, shard.snapshotOffset(), null, why);
    }

    /** Null when a PSYNC may continue, else why it may not. */
    private static String whyNotContinue(Request request, Shard shard) {
        if (request.replid() == null) {
            return "SYNC, or PSYNC without a replid";
        }
        if (request.forceFull()) {
            return "its drop expired: its offset is not trusted";
        }
        final long from = request.offset() - 1;
        // the replid before a cut-back continues up to the good end: beyond it the journal holds other bytes
        final boolean previous = request.replid().equals(shard.previousReplid()) && from <= shard.previousReplidEnd();
        if (!request.replid().equals(shard.replid()) && !previous) {
            return "replid " + SafeText.of(request.replid()) + " is not the shard's " + shard.replid(); // the replica's bytes, into a log line
        }
        if (request.offset() <= 0 || from < shard.journalFirst()) {
            return "offset " + request.offset() + " is before the journal's first entry at " + (shard.journalFirst() + 1);
        }
        if (from > shard.journalEnd()) {
            return "offset " + request.offset() + " is beyond the journal's end at " + (shard.journalEnd() + 1);
        }
        return null;
    }

    /**
     * A snapshot the journal has moved past would be a stale copy of the shard: the client gets
     * an error that says so, and how to get a current one.
     */
    private static SyncDecision rdbOnly(Request request, Shard shard) {
        if (shard.snapshotOffset() < 0) {
            return new SyncDecision(Action.REFUSE, -1, "-ERR shard " + shard.name()
                + " has no snapshot yet: the router's first sync of the master is not done\r\n", "rdb-only: no snapshot yet");
        }
        if (shard.firstWriteAfterSnapshot() >= 0) {
            return new SyncDecision(Action.REFUSE, -1, "-ERR shard " + shard.name() + " snapshot is at offset " + shard.snapshotOffset()
                + " but its journal holds writes from offset " + shard.firstWriteAfterSnapshot() + " to " + shard.journalEnd()
                + ": an RDB of the snapshot would be stale. For a current RDB, take it from a replica of the shard (REPLICAOF "
                + request.self() + "), or apply the journal with 'redis-replica replay'\r\n",
                "rdb-only refused: the snapshot at offset " + shard.snapshotOffset() + " is followed by writes");
        }
        return new SyncDecision(Action.RDB_ONLY, shard.snapshotOffset(), null, "rdb-only: the snapshot is current");
    }
}
