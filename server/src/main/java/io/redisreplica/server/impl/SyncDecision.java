package io.redisreplica.server.impl;

import io.redisreplica.server.spi.SafeText;

/**
 * The answer to a replica's SYNC or PSYNC, decided from values alone (no I/O, no clock), as
 * Redis's {@code masterTryPartialResynchronization} decides: a PSYNC with the current replication
 * id and an offset the journal holds continues ({@code +CONTINUE}); anything else is a full
 * resync from the snapshot; without a snapshot (or one whose offset the journal no longer holds,
 * so the stream could not follow it) the replica waits.
 *
 * @param action what to do
 * @param offset CONTINUE: the offset to stream from (the PSYNC offset - 1: a replica asks for its
 *     next byte counting from 1, Redis's backlog convention, while offsets here count bytes sent);
 *     FULL_RESYNC: the snapshot's; WAIT: -1
 * @param reason why, for the log
 */
record SyncDecision(Action action, long offset, String reason) {
    enum Action { CONTINUE, FULL_RESYNC, WAIT }

    /**
     * @param replid the PSYNC replid, null for SYNC
     * @param offset the PSYNC offset, -1 for SYNC or {@code ?}
     * @param snapshotReplid the current snapshot's replid, null when there is none
     * @param snapshotOffset its offset
     * @param first the journal's first held offset
     * @param end the journal's end offset
     */
    static SyncDecision decide(String replid, long offset, String snapshotReplid, long snapshotOffset, long first, long end) {
        if (snapshotReplid == null) {
            return new SyncDecision(Action.WAIT, -1, "the source has no snapshot yet");
        }
        final String why = whyNotContinue(replid, offset, snapshotReplid, first, end);
        if (why == null) {
            return new SyncDecision(Action.CONTINUE, offset - 1, "partial resync from offset " + offset);
        }
        if (snapshotOffset < first || snapshotOffset > end) {
            return new SyncDecision(Action.WAIT, -1, why + ", and the journal (" + first + ".." + end
                + ") no longer holds the snapshot's offset " + snapshotOffset + ": the source must give a newer snapshot");
        }
        return new SyncDecision(Action.FULL_RESYNC, snapshotOffset, why);
    }

    /** Null when a PSYNC may continue, else why not. */
    private static String whyNotContinue(String replid, long offset, String snapshotReplid, long first, long end) {
        if (replid == null || offset <= 0) {
            return "SYNC, or PSYNC without a replid or offset";
        }
        if (!replid.equals(snapshotReplid)) {
            return "replid " + SafeText.of(replid) + " is not the source's " + snapshotReplid;
        }
        if (offset - 1 < first) {
            return "offset " + offset + " is before the journal's first held byte " + (first + 1);
        }
        if (offset - 1 > end) {
            return "offset " + offset + " is beyond the journal's end " + (end + 1);
        }
        return null;
    }
}
