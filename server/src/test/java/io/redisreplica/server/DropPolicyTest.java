package io.redisreplica.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.redisreplica.server.ReplicaPolicy.Admission;

class DropPolicyTest {
    private static final String REPLICA = "10.0.0.1:6380";
    /** 3 failures within 60 s drop a replica for 30 s. */
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final DropPolicy policy = new DropPolicy("shard s0", 3, 60_000, 30_000, now::get);

    private boolean fail(int times) {
        boolean dropped = false;
        for (int i = 0; i < times; i++) {
            dropped = policy.failed(REPLICA, "closed during its snapshot");
        }
        return dropped;
    }

    @Test
    void shouldLetAReplicaSyncUntilItFailsMaxFailuresTimes() {
        assertFalse(fail(2));
        assertEquals(Admission.ALLOW, policy.admit(REPLICA));
        assertFalse(policy.dropped(REPLICA));
        assertEquals(0, policy.drops());
        assertTrue(fail(1), "the third failure drops it");
        assertTrue(policy.dropped(REPLICA));
        assertEquals(1, policy.drops());
    }

    @Test
    void shouldForgetFailuresOlderThanTheWindow() {
        fail(2);
        now.addAndGet(60_001);
        assertFalse(fail(1), "the first two fell out of the window");
        assertFalse(fail(1));
        assertTrue(fail(1));
    }

    @Test
    void shouldRefuseADroppedReplicaWithTheTimeLeftOfItsDropAfterAHold() {
        fail(3);
        now.addAndGet(12_000);
        assertEquals(Admission.refuse("ERR this replica was dropped after 3 failures within 60 s; it may sync again in 18 s, "
            + "with a full resync", DropPolicy.REFUSAL_HOLD_MILLIS), policy.admit(REPLICA));
        assertEquals(18_000, policy.remainingDropMillis(REPLICA));
        assertEquals(Admission.ALLOW, policy.admit("10.0.0.1:6381"), "another replica (another announced port) is not refused");
    }

    @Test
    void shouldHoldARefusedReplicaNoLongerThanWhatIsLeftOfItsDrop() {
        fail(3);
        now.addAndGet(26_000);
        assertEquals(4_000, policy.admit(REPLICA).holdMillis());
    }

    @Test
    void shouldLetADroppedReplicaSyncAfterTheDropTimeWithOneFullResync() {
        fail(3);
        now.addAndGet(30_000);
        assertFalse(policy.dropped(REPLICA));
        assertEquals(0, policy.remainingDropMillis(REPLICA));
        assertEquals(Admission.FULL_RESYNC, policy.admit(REPLICA), "its old offset is not trusted");
        assertEquals(Admission.FULL_RESYNC, policy.admit(REPLICA), "still owed: it failed again before it loaded the snapshot");
        policy.loaded("10.0.0.1:6381");
        assertEquals(Admission.FULL_RESYNC, policy.admit(REPLICA), "another replica's load pays nothing of this one's");
        policy.loaded(REPLICA);
        assertEquals(Admission.ALLOW, policy.admit(REPLICA), "once loaded, the next sync may continue");
    }

    @Test
    void shouldKeepTheFullResyncOwedUntilTheReplicaIsLetIn() {
        fail(3);
        now.addAndGet(5_000);
        assertTrue(policy.admit(REPLICA).refused());
        now.addAndGet(25_000);
        assertEquals(Admission.FULL_RESYNC, policy.admit(REPLICA));
    }

    @Test
    void shouldNotDropTwiceWhileDropped() {
        fail(3);
        now.addAndGet(10_000);
        assertTrue(fail(5));
        assertEquals(1, policy.drops(), "failures of sessions still running do not repeat the drop");
        assertEquals(20_000, policy.remainingDropMillis(REPLICA), "nor extend it");
    }

    @Test
    void shouldRefuseAnAdmissionThatIsNotOneLineOfAReply() {
        assertEquals("refusal \"ERR a\r\nb\" (expected: one line of text, without CR or LF)",
            assertThrows(IllegalArgumentException.class, () -> Admission.refuse("ERR a\r\nb", 0)).getMessage());
        assertEquals("holdMillis=5 (expected: >= 0, and 0 when not refused)",
            assertThrows(IllegalArgumentException.class, () -> new Admission(null, 5, false)).getMessage());
        assertEquals("maxFailures=0, windowMillis=1, dropMillis=1 (expected: maxFailures >= 1, times >= 0)",
            assertThrows(IllegalArgumentException.class, () -> new DropPolicy("x", 0, 1, 1)).getMessage());
    }

    @Test
    void shouldNotKeepEveryFailingConnectionNamedByItsEphemeralPort() {
        // replicas without a listening port: a new name each time, failing once each (a scan, a crash loop)
        for (int port = 30_000; port < 40_000; port++) {
            policy.failed("10.0.0.9:" + port, "closed mid-snapshot");
            now.addAndGet(61_000); // each one's failure is out of the window by the next
        }
        assertTrue(policy.tracked() <= DropPolicy.SWEEP_AT + 1, "tracked: " + policy.tracked());
    }

    @Test
    void shouldStillOweTheFullResyncAfterASweepWhileItIsRecent() {
        for (int i = 0; i < 3; i++) {
            policy.failed("10.0.0.1:6379", "closed mid-snapshot");
        }
        now.addAndGet(31_000); // the drop ended
        for (int port = 30_000; port < 31_100; port++) {
            policy.failed("10.0.0.9:" + port, "closed mid-snapshot"); // enough names to sweep
        }
        assertEquals(ReplicaPolicy.Admission.FULL_RESYNC, policy.admit("10.0.0.1:6379"));
    }
}
