package io.redisreplica.server.spi;

/**
 * The answer to a replica's SYNC or PSYNC, decided from values alone (no I/O, no clock), as
 * Redis's {@code masterTryPartialResynchronization} decides: what the replica asked
 * ({@link Request}: with what the master's replica policy says of it) and where the source is
 * ({@link Source}). A session reads those values, asks {@link #decide}, and does what it says.
 * The server and the router's virtual masters both decide here.
 *
 * <p>In order: an rdb-only client ({@code redis-cli --rdb}) gets the snapshot while it is
 * current (no write after it; keep-alives do not count), else an error; a replica the policy
 * dropped is refused (after a hold); while the source's next snapshot is being made, what would
 * wait or resync in full takes that one instead (streamed as it grows to a replica that announced
 * {@code capa eof}, after a wait for the whole file to one that did not: a {@code $len} transfer
 * needs its size first); before the first snapshot, or while the journal is damaged, the replica
 * waits; a PSYNC with the source's replid (or the previous one, up to where the journal was cut
 * back) and an offset the journal holds gets {@code +CONTINUE}; anything else a full resync from
 * the snapshot, or a wait when the journal no longer holds the snapshot's offset (the stream could
 * not follow it). A source whose journal is made of entries confirms a CONTINUE with a seek (the
 * offset must be at an entry boundary) and falls back to a full resync where it is not.
 *
 * @param action what to do
 * @param offset CONTINUE: the journal offset to stream from (the PSYNC offset - 1: a replica asks
 *     for its next byte counting from 1, while offsets here count bytes sent); FULL_RESYNC and
 *     RDB_ONLY: the snapshot's offset; otherwise -1
 * @param reply REFUSE and REFUSE_DROPPED: the error line to answer (with its CRLF); otherwise null
 * @param reason why, for the log
 */
public record SyncDecision(Action action, long offset, String reply, String reason) {

    /** What the session does. */
    public enum Action {
        /** {@code +CONTINUE}: stream the journal from {@link #offset}. */
        CONTINUE,
        /** {@code +FULLRESYNC} (or a bare RDB for SYNC): the snapshot, then the journal from its offset. */
        FULL_RESYNC,
        /** The snapshot only, for a client that wants nothing after it. */
        RDB_ONLY,
        /** The source's next snapshot, as it is written, with the diskless framing ({@code $EOF:mark}). */
        STREAM_SNAPSHOT,
        /** No usable snapshot: hold the replica with newlines (as a master preparing an RDB) and decide again. */
        WAIT_FOR_SNAPSHOT,
        /** Answer {@link #reply} and close. */
        REFUSE,
        /** Dropped by the policy: hold the connection (a refused replica reconnects at once), then answer {@link #reply}. */
        REFUSE_DROPPED
    }

    /**
     * What the replica asked, and what the master's policy said of it.
     *
     * @param replid the PSYNC replid, null for SYNC (and {@code ?})
     * @param offset the PSYNC offset (the replica's next byte), -1 for SYNC
     * @param rdbOnly {@code REPLCONF rdb-only 1}: an RDB file, then nothing
     * @param refusal the policy's error for a dropped replica, null when it may sync
     * @param forceFull the policy does not trust its offset (a drop expired): a full resync
     * @param self this listener as {@code host port}, for the rdb-only error's advice
     * @param capaEof {@code REPLCONF capa eof}: it reads an RDB framed by an end mark, so it can be sent one whose size is not known yet
     */
    public record Request(String replid, long offset, boolean rdbOnly, String refusal, boolean forceFull, String self, boolean capaEof) {
    }

    /**
     * Where the source is.
     *
     * @param name what replies and reasons call it ({@code shard s0}, {@code replication server})
     * @param replid its replication id
     * @param snapshotOffset the offset of its snapshot, -1 before the first
     * @param journalFirst the first offset the journal holds
     * @param journalEnd the journal's end offset
     * @param firstWriteAfterSnapshot the start of the first write (not a keep-alive) after the
     *     snapshot, -1 when none; only read for an rdb-only request
     * @param previousReplid the replid the source had before its journal's damaged tail was cut
     *     back (as Redis keeps replid2 after a failover), or null
     * @param previousReplidEnd up to which offset the previous replid's history is the source's own
     * @param journalDamaged entries of this history were found unreadable: a new snapshot is being
     *     made, and every replica waits for it (reading the damage again, reconnect after
     *     reconnect, would help nothing)
     * @param snapshotGrowing the source's next snapshot is being written: the current history ends when it is done
     */
    public record Source(String name, String replid, long snapshotOffset, long journalFirst, long journalEnd,
        long firstWriteAfterSnapshot, String previousReplid, long previousReplidEnd, boolean journalDamaged, boolean snapshotGrowing) {
    }

    /** The decision for {@code request} on {@code source}. */
    public static SyncDecision decide(Request request, Source source) {
        if (request.rdbOnly()) {
            return rdbOnly(request, source);
        }
        if (request.refusal() != null) {
            return new SyncDecision(Action.REFUSE_DROPPED, -1, request.refusal(), "sync refused, dropped by policy");
        }
        if (source.snapshotGrowing()
            && (source.snapshotOffset() < 0 || source.journalDamaged() || whyNotContinue(request, source) != null)) {
            // the snapshot there is (if any) is about to be replaced: the new one, not the old one twice
            return request.capaEof()
                ? new SyncDecision(Action.STREAM_SNAPSHOT, -1, null, source.name() + "'s next snapshot is being made: streamed as it grows")
                : new SyncDecision(Action.WAIT_FOR_SNAPSHOT, -1, null,
                    source.name() + "'s next snapshot is being made, and a replica without capa eof needs its size first");
        }
        if (source.snapshotOffset() < 0) {
            return new SyncDecision(Action.WAIT_FOR_SNAPSHOT, -1, null, source.name() + " has no snapshot yet");
        }
        if (source.journalDamaged()) {
            return new SyncDecision(Action.WAIT_FOR_SNAPSHOT, -1, null,
                source.name() + "'s journal cannot be read: a new snapshot is being made");
        }
        final String why = whyNotContinue(request, source);
        if (why == null) {
            return new SyncDecision(Action.CONTINUE, request.offset() - 1, null, "partial resync from offset " + request.offset());
        }
        if (source.snapshotOffset() < source.journalFirst() || source.snapshotOffset() > source.journalEnd()) {
            return new SyncDecision(Action.WAIT_FOR_SNAPSHOT, -1, null, why + ", and the journal (" + source.journalFirst() + ".."
                + source.journalEnd() + ") does not hold the snapshot's offset " + source.snapshotOffset() + ": a newer snapshot is needed");
        }
        return new SyncDecision(Action.FULL_RESYNC, source.snapshotOffset(), null, why);
    }

    /** Null when a PSYNC may continue, else why it may not. */
    private static String whyNotContinue(Request request, Source source) {
        if (request.replid() == null) {
            return "SYNC, or PSYNC without a replid";
        }
        if (request.forceFull()) {
            return "its drop expired: its offset is not trusted";
        }
        final long from = request.offset() - 1;
        // the replid before a cut-back continues up to the good end: beyond it the journal holds other bytes
        final boolean previous = request.replid().equals(source.previousReplid()) && from <= source.previousReplidEnd();
        if (!request.replid().equals(source.replid()) && !previous) {
            // the replica's bytes, into a log line
            return "replid " + SafeText.of(request.replid()) + " is not the one of " + source.name() + ", " + source.replid();
        }
        if (request.offset() <= 0 || from < source.journalFirst()) {
            return "offset " + request.offset() + " is before the journal's first entry at " + (source.journalFirst() + 1);
        }
        if (from > source.journalEnd()) {
            return "offset " + request.offset() + " is beyond the journal's end at " + (source.journalEnd() + 1);
        }
        return null;
    }

    /**
     * A snapshot the journal has moved past would be a stale copy given as a current one (a Redis
     * master makes a fresh RDB): the client gets an error that says so, and how to get a current one.
     */
    private static SyncDecision rdbOnly(Request request, Source source) {
        if (source.snapshotOffset() < 0) {
            return new SyncDecision(Action.REFUSE, -1, "-ERR " + source.name() + " has no snapshot yet: its first full sync is not done\r\n",
                "rdb-only: no snapshot yet");
        }
        if (source.firstWriteAfterSnapshot() >= 0) {
            return new SyncDecision(Action.REFUSE, -1, "-ERR " + source.name() + " snapshot is at offset " + source.snapshotOffset()
                + " but its journal holds writes from offset " + source.firstWriteAfterSnapshot() + " to " + source.journalEnd()
                + ": an RDB of the snapshot would be stale. For a current RDB, take it from a replica (REPLICAOF " + request.self()
                + "), or apply the journal after the snapshot\r\n",
                "rdb-only refused: the snapshot at offset " + source.snapshotOffset() + " is followed by writes");
        }
        return new SyncDecision(Action.RDB_ONLY, source.snapshotOffset(), null, "rdb-only: the snapshot is current");
    }
}
