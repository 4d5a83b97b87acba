package io.redisreplica.server.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import io.redisreplica.server.spi.SyncDecision.Action;

class SyncDecisionTest {
    private static final String REPLID = "a".repeat(40);
    private static final String SELF = "127.0.0.1 7001";
    /** Snapshot at 100, journal entries retained from 100, committed to 500. */
    private static final SyncDecision.Source SHARD = source(100, 100, 500, -1);

    private static SyncDecision.Source source(long snapshotOffset, long first, long end, long firstWrite) {
        return new SyncDecision.Source("shard s0", REPLID, snapshotOffset, first, end, firstWrite, null, -1, false, false);
    }

    private static SyncDecision.Source growing(long snapshotOffset, long first, long end) {
        return new SyncDecision.Source("shard s0", REPLID, snapshotOffset, first, end, -1, null, -1, false, true);
    }

    private static SyncDecision.Request psync(String replid, long offset) {
        return new SyncDecision.Request(replid, offset, false, null, false, SELF, false);
    }

    private static SyncDecision.Request rdbOnly() {
        return new SyncDecision.Request(null, -1, true, null, false, SELF, false);
    }

    @Test
    void shouldContinueFromTheByteBeforeTheAskedOffsetWhenTheReplidMatchesAndTheJournalHoldsIt() {
        final SyncDecision d = SyncDecision.decide(psync(REPLID, 301), SHARD);
        assertEquals(Action.CONTINUE, d.action());
        assertEquals(300, d.offset());
        assertNull(d.reply());
        assertEquals("partial resync from offset 301", d.reason());
    }

    @Test
    void shouldContinueAtEitherEndOfTheJournal() {
        assertEquals(new SyncDecision(Action.CONTINUE, 100, null, "partial resync from offset 101"),
            SyncDecision.decide(psync(REPLID, 101), SHARD));
        assertEquals(new SyncDecision(Action.CONTINUE, 500, null, "partial resync from offset 501"),
            SyncDecision.decide(psync(REPLID, 501), SHARD), "a replica that has everything continues with nothing to send yet");
    }

    @Test
    void shouldResyncInFullFromTheSnapshotOnAnotherReplid() {
        final SyncDecision d = SyncDecision.decide(psync("b".repeat(40), 301), SHARD);
        assertEquals(Action.FULL_RESYNC, d.action());
        assertEquals(100, d.offset());
        assertEquals("replid " + "b".repeat(40) + " is not the one of shard s0, " + REPLID, d.reason());
    }

    @Test
    void shouldContinueThePreviousReplidOnlyUpToTheGoodEndOfAJournalCutBack() {
        // cut back at start to 300: the old replid's history is the shard's own up to there, not after
        final String old = "c".repeat(40);
        final SyncDecision.Source cut = new SyncDecision.Source("shard s0", REPLID, 100, 100, 500, -1, old, 300, false, false);
        assertEquals(Action.CONTINUE, SyncDecision.decide(psync(old, 251), cut).action());
        assertEquals(Action.CONTINUE, SyncDecision.decide(psync(old, 301), cut).action(), "at the good end itself");
        assertEquals(Action.FULL_RESYNC, SyncDecision.decide(psync(old, 302), cut).action(), "past it the journal holds other bytes");
        assertEquals(Action.CONTINUE, SyncDecision.decide(psync(REPLID, 451), cut).action(), "the new replid, anywhere in the journal");
    }

    @Test
    void shouldHoldEveryReplicaForTheNextSnapshotOnceTheJournalWasFoundDamaged() {
        final SyncDecision.Source damaged = new SyncDecision.Source("shard s0", REPLID, 100, 100, 500, -1, null, -1, true, false);
        assertEquals(Action.WAIT_FOR_SNAPSHOT, SyncDecision.decide(psync(REPLID, 301), damaged).action(),
            "not a CONTINUE that reads the damage again, reconnect after reconnect");
        assertEquals(Action.WAIT_FOR_SNAPSHOT, SyncDecision.decide(psync(null, -1), damaged).action(), "nor the damaged epoch's snapshot");
    }

    @Test
    void shouldNotLetAReplidFromTheWireBreakTheLogLine() {
        assertEquals("replid ab?cd? is not the one of shard s0, " + REPLID, SyncDecision.decide(psync("ab\ncd\u0000", 5), SHARD).reason());
    }

    @Test
    void shouldResyncInFullForSyncAndForPsyncWithoutReplid() {
        assertEquals(new SyncDecision(Action.FULL_RESYNC, 100, null, "SYNC, or PSYNC without a replid"),
            SyncDecision.decide(new SyncDecision.Request(null, -1, false, null, false, SELF, false), SHARD));
    }

    @Test
    void shouldResyncInFullWhenTheOffsetIsBeforeTheJournalsFirstEntry() {
        final SyncDecision.Source trimmed = source(250, 200, 500, -1);
        assertEquals(new SyncDecision(Action.FULL_RESYNC, 250, null, "offset 200 is before the journal's first entry at 201"),
            SyncDecision.decide(psync(REPLID, 200), trimmed));
        assertEquals(Action.CONTINUE, SyncDecision.decide(psync(REPLID, 201), trimmed).action());
    }

    @Test
    void shouldResyncInFullWhenTheOffsetIsZeroOrNegative() {
        assertEquals(Action.FULL_RESYNC, SyncDecision.decide(psync(REPLID, 0), SHARD).action());
        assertEquals(Action.FULL_RESYNC, SyncDecision.decide(psync(REPLID, -1), SHARD).action());
    }

    @Test
    void shouldResyncInFullWhenTheReplicaClaimsDataBeyondTheJournalsEnd() {
        assertEquals(new SyncDecision(Action.FULL_RESYNC, 100, null, "offset 502 is beyond the journal's end at 501"),
            SyncDecision.decide(psync(REPLID, 502), SHARD));
    }

    @Test
    void shouldResyncInFullAfterAnExpiredDropEvenWithAGoodOffset() {
        final SyncDecision.Request afterDrop = new SyncDecision.Request(REPLID, 301, false, null, true, SELF, false);
        assertEquals(new SyncDecision(Action.FULL_RESYNC, 100, null, "its drop expired: its offset is not trusted"),
            SyncDecision.decide(afterDrop, SHARD));
    }

    @Test
    void shouldWaitForTheShardsFirstSnapshot() {
        final SyncDecision.Source none = source(-1, 0, 0, -1);
        assertEquals(new SyncDecision(Action.WAIT_FOR_SNAPSHOT, -1, null, "shard s0 has no snapshot yet"),
            SyncDecision.decide(psync(REPLID, 1), none));
        assertEquals(Action.WAIT_FOR_SNAPSHOT, SyncDecision.decide(psync(null, -1), none).action());
    }

    @Test
    void shouldRefuseADroppedReplicaBeforeAnythingElseWithThePolicysError() {
        final String error = "-ERR this replica was dropped after 3 failures within 60 s; it may sync again in 9 s, with a full resync\r\n";
        final SyncDecision.Request dropped = new SyncDecision.Request(REPLID, 301, false, error, false, SELF, false);
        assertEquals(new SyncDecision(Action.REFUSE_DROPPED, -1, error, "sync refused, dropped by policy"),
            SyncDecision.decide(dropped, SHARD));
        assertEquals(Action.REFUSE_DROPPED, SyncDecision.decide(dropped, source(-1, 0, 0, -1)).action(),
            "refused even while the shard waits for its snapshot");
    }

    @Test
    void shouldSendTheSnapshotToAnRdbOnlyClientWhileNoWriteFollowsIt() {
        assertEquals(new SyncDecision(Action.RDB_ONLY, 100, null, "rdb-only: the snapshot is current"),
            SyncDecision.decide(rdbOnly(), SHARD));
    }

    @Test
    void shouldRefuseAnRdbOnlyClientAStaleSnapshotAndSayWhereToGetACurrentOne() {
        final SyncDecision.Source written = source(100, 100, 500, 120);
        assertEquals(new SyncDecision(Action.REFUSE, -1, "-ERR shard s0 snapshot is at offset 100 but its journal holds writes from "
            + "offset 120 to 500: an RDB of the snapshot would be stale. For a current RDB, take it from a replica "
            + "(REPLICAOF 127.0.0.1 7001), or apply the journal after the snapshot\r\n",
            "rdb-only refused: the snapshot at offset 100 is followed by writes"), SyncDecision.decide(rdbOnly(), written));
    }

    @Test
    void shouldRefuseAnRdbOnlyClientBeforeTheFirstSnapshotInsteadOfMakingItWait() {
        assertEquals(new SyncDecision(Action.REFUSE, -1,
            "-ERR shard s0 has no snapshot yet: its first full sync is not done\r\n", "rdb-only: no snapshot yet"),
            SyncDecision.decide(rdbOnly(), source(-1, 0, 0, -1)));
    }

    @Test
    void shouldStreamTheGrowingSnapshotToAReplicaWithCapaEofThatWouldWaitOrResyncInFull() {
        final SyncDecision.Source firstSplit = growing(-1, 0, 0);
        final SyncDecision.Source nextSplit = growing(100, 100, 500);
        final SyncDecision.Request eof = new SyncDecision.Request(null, -1, false, null, false, SELF, true);
        assertEquals(new SyncDecision(Action.STREAM_SNAPSHOT, -1, null, "shard s0's next snapshot is being made: streamed as it grows"),
            SyncDecision.decide(eof, firstSplit));
        assertEquals(Action.STREAM_SNAPSHOT, SyncDecision.decide(eof, nextSplit).action(), "the new snapshot, not the one it replaces");
        assertEquals(Action.CONTINUE, SyncDecision.decide(new SyncDecision.Request(REPLID, 301, false, null, false, SELF, true), nextSplit)
            .action(), "a replica that can continue continues until the new epoch lands");
    }

    @Test
    void shouldHoldAReplicaWithoutCapaEofUntilTheGrowingSnapshotIsWhole() {
        final SyncDecision.Source nextSplit = growing(100, 100, 500);
        assertEquals(new SyncDecision(Action.WAIT_FOR_SNAPSHOT, -1, null,
            "shard s0's next snapshot is being made, and a replica without capa eof needs its size first"),
            SyncDecision.decide(psync(null, -1), nextSplit));
        assertEquals(Action.REFUSE, SyncDecision.decide(rdbOnly(), growing(-1, 0, 0))
            .action(), "rdb-only takes only a finished snapshot");
    }

    @Test
    void shouldWaitWhenTheJournalNoLongerHoldsTheSnapshotsOffset() {
        // the stream could not follow the snapshot: a newer one is needed, not a resync that cannot go on
        assertEquals(new SyncDecision(Action.WAIT_FOR_SNAPSHOT, -1, null, "SYNC, or PSYNC without a replid, and the journal (200..500)"
            + " does not hold the snapshot's offset 100: a newer snapshot is needed"), SyncDecision.decide(psync(null, -1), source(100, 200, 500, -1)));
        assertEquals(Action.WAIT_FOR_SNAPSHOT, SyncDecision.decide(psync(null, -1), source(600, 200, 500, -1)).action(),
            "nor a snapshot ahead of the journal's end");
        assertEquals(Action.CONTINUE, SyncDecision.decide(psync(REPLID, 301), source(100, 200, 500, -1)).action(),
            "a replica the journal can continue still continues");
    }
}
