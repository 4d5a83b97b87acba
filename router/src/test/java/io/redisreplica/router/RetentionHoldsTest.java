package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.redisreplica.server.LagStats;
import io.redisreplica.server.ReplicaStatus;
import io.redisreplica.server.ReplicaStatus.State;

/** Where a replica holds the journal for retention: from its stream's start until its first ACK, then from its ACK. */
class RetentionHoldsTest {
    private static ReplicaStatus replica(State state, long start, long sent, long acked) {
        return new ReplicaStatus("127.0.0.1", 50000, 6380, state, start, sent, acked, acked < 0 ? -1 : 0, -1, 0, -1, LagStats.EMPTY);
    }

    @Test
    void shouldHoldAContinuedReplicaFromWhereItContinuedUntilItsFirstAckNotFromWhatWasSent() {
        // +CONTINUE at 1000; 3 MB written to its socket, possibly ending inside an entry in pieces: none of it acknowledged
        assertEquals(1000, Retention.holds(replica(State.STREAMING, 1000, 3_001_000, -1)));
        assertEquals(1000, Retention.holds(replica(State.PAUSED, 1000, 3_001_000, -1)));
    }

    @Test
    void shouldHoldAReplicaLoadingItsSnapshotFromTheSnapshotsOffset() {
        assertEquals(500, Retention.holds(replica(State.LOADING, 500, 80_000, -1)));
    }

    @Test
    void shouldHoldFromTheAcknowledgedOffsetOnceItAcks() {
        assertEquals(2_000_000, Retention.holds(replica(State.STREAMING, 1000, 3_001_000, 2_000_000)));
    }

    @Test
    void shouldHoldNothingForAReplicaWaitingForOrGettingItsSnapshot() {
        assertEquals(-1, Retention.holds(replica(State.WAIT_SNAPSHOT, -1, -1, -1)));
        assertEquals(-1, Retention.holds(replica(State.FULL_SYNC, -1, -1, -1)));
    }
}
