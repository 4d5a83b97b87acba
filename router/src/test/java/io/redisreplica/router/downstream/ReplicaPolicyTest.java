package io.redisreplica.router.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ReplicaPolicyTest {
    private static final String REPLICA = "10.0.0.1:6380";
    /** 3 failures within 60 s drop a replica for 30 s. */
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ReplicaPolicy policy = new ReplicaPolicy(3, 60_000, 30_000, now::get);

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            policy.failed("s0", REPLICA, "closed during its snapshot");
        }
    }

    @Test
    void shouldLetAReplicaSyncUntilItFailsMaxFailuresTimes() {
        fail(2);
        assertNull(policy.refusal(REPLICA));
        assertFalse(policy.dropped(REPLICA));
        assertEquals(0, policy.drops());
        fail(1);
        assertTrue(policy.dropped(REPLICA));
        assertEquals(1, policy.drops());
    }

    @Test
    void shouldForgetFailuresOlderThanTheWindow() {
        fail(2);
        now.addAndGet(60_001);
        fail(1);
        assertFalse(policy.dropped(REPLICA), "the first two fell out of the window");
        fail(1);
        assertFalse(policy.dropped(REPLICA));
        fail(1);
        assertTrue(policy.dropped(REPLICA));
    }

    @Test
    void shouldRefuseADroppedReplicaWithTheTimeLeftOfItsDrop() {
        fail(3);
        now.addAndGet(12_000);
        assertEquals("-ERR this replica was dropped after 3 failures within 60 s; it may sync again in 18 s, with a full resync\r\n",
            policy.refusal(REPLICA));
        assertEquals(18_000, policy.remainingDropMillis(REPLICA));
        assertNull(policy.refusal("10.0.0.1:6381"), "another replica (another announced port) is not refused");
    }

    @Test
    void shouldHoldARefusedReplicaTenSecondsOrWhatIsLeftOfItsDrop() {
        assertEquals(0, policy.refusalHoldMillis(REPLICA), "a replica not dropped is not held");
        fail(3);
        assertEquals(ReplicaPolicy.REFUSAL_HOLD_MILLIS, policy.refusalHoldMillis(REPLICA));
        now.addAndGet(26_000);
        assertEquals(4_000, policy.refusalHoldMillis(REPLICA), "held no longer than the drop lasts");
    }

    @Test
    void shouldLetADroppedReplicaSyncAfterTheDropTimeWithOneFullResync() {
        fail(3);
        now.addAndGet(30_000);
        assertNull(policy.refusal(REPLICA));
        assertFalse(policy.dropped(REPLICA));
        assertEquals(0, policy.remainingDropMillis(REPLICA));
        assertTrue(policy.takeFullResync(REPLICA), "its old offset is not trusted");
        assertFalse(policy.takeFullResync(REPLICA), "once: the next sync may continue");
    }

    @Test
    void shouldKeepTheFullResyncOwedUntilTheReplicaIsLetIn() {
        fail(3);
        now.addAndGet(5_000);
        assertTrue(policy.refusal(REPLICA) != null);
        now.addAndGet(25_000);
        assertNull(policy.refusal(REPLICA));
        assertTrue(policy.takeFullResync(REPLICA));
    }

    @Test
    void shouldNotDropTwiceWhileDropped() {
        fail(3);
        now.addAndGet(10_000);
        fail(5);
        assertEquals(1, policy.drops(), "failures of sessions still running do not repeat the drop");
        assertEquals(20_000, policy.remainingDropMillis(REPLICA), "nor extend it");
    }
}
