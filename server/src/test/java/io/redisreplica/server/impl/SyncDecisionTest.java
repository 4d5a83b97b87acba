package io.redisreplica.server.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SyncDecisionTest {
    private static final String ID = "a".repeat(40);
    private static final String OTHER = "b".repeat(40);

    @Test
    void shouldContinueFromTheByteBeforeTheAskedOffsetWhenTheJournalHoldsIt() {
        final SyncDecision d = SyncDecision.decide(ID, 1001, ID, 1000, 1000, 1500);
        assertEquals(SyncDecision.Action.CONTINUE, d.action());
        assertEquals(1000, d.offset());
        assertEquals(1500, SyncDecision.decide(ID, 1501, ID, 1000, 1000, 1500).offset(), "a replica that has it all continues at the end");
    }

    @Test
    void shouldResyncInFullFromTheSnapshotOtherwise() {
        assertEquals(new SyncDecision(SyncDecision.Action.FULL_RESYNC, 1000, "SYNC, or PSYNC without a replid or offset"),
            SyncDecision.decide(null, -1, ID, 1000, 1000, 1500));
        assertEquals(new SyncDecision(SyncDecision.Action.FULL_RESYNC, 1000, "replid " + OTHER + " is not the source's " + ID),
            SyncDecision.decide(OTHER, 1200, ID, 1000, 1000, 1500));
        assertEquals(new SyncDecision(SyncDecision.Action.FULL_RESYNC, 1100, "offset 1050 is before the journal's first held byte 1101"),
            SyncDecision.decide(ID, 1050, ID, 1100, 1100, 1500));
        assertEquals(new SyncDecision(SyncDecision.Action.FULL_RESYNC, 1000, "offset 1502 is beyond the journal's end 1501"),
            SyncDecision.decide(ID, 1502, ID, 1000, 1000, 1500));
    }

    @Test
    void shouldWaitWithoutASnapshotOrWhenTheJournalNoLongerHoldsItsOffset() {
        assertEquals(new SyncDecision(SyncDecision.Action.WAIT, -1, "the source has no snapshot yet"),
            SyncDecision.decide(null, -1, null, -1, 0, 0));
        assertEquals(new SyncDecision(SyncDecision.Action.WAIT, -1, "SYNC, or PSYNC without a replid or offset, and the journal (1200..1500)"
            + " no longer holds the snapshot's offset 1000: the source must give a newer snapshot"),
            SyncDecision.decide(null, -1, ID, 1000, 1200, 1500));
    }
}
