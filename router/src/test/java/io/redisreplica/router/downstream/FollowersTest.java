package io.redisreplica.router.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FollowersTest {
    private final Followers followers = new Followers(List.of("a", "b"), 60_000);

    @Test
    void shouldHoldTheJournalFromTheLastReportedOffsetOfEachFollower() {
        assertNull(followers.report("a", "t1", 100, "127.0.0.1:5000", 1_000));
        assertNull(followers.report("a", "t2", 50, "127.0.0.1:5001", 1_000));
        assertNull(followers.report("a", "t1", 300, "127.0.0.1:5002", 2_000));
        assertEquals(Map.of("follower t1", 300L, "follower t2", 50L), followers.holding("a", 2_000));
        assertEquals(Map.of(), followers.holding("b", 2_000));
        assertEquals(List.of(new Followers.Follower("t1", "127.0.0.1:5002", 300, 500, true),
            new Followers.Follower("t2", "127.0.0.1:5001", 50, 1_500, true)), followers.of("a", 2_500));
    }

    @Test
    void shouldStopHoldingForAFollowerSilentPastTheHoldTimeAndHoldAgainWhenItReports() {
        followers.report("a", "t1", 100, "127.0.0.1:5000", 0);
        assertEquals(Map.of("follower t1", 100L), followers.holding("a", 60_000));
        assertEquals(Map.of(), followers.holding("a", 60_001));
        assertFalse(followers.of("a", 60_001).get(0).holding(), "still listed, as gone");
        followers.report("a", "t1", 400, "127.0.0.1:5000", 70_000);
        assertEquals(Map.of("follower t1", 400L), followers.holding("a", 70_000));
    }

    @Test
    void shouldRefuseAnUnknownShardANegativeOffsetAndFollowersPastTheCap() {
        assertEquals("no shard c (the router has [a, b])", followers.report("c", "t1", 1, "x", 0));
        assertEquals("offset -1 is negative", followers.report("a", "t1", -1, "x", 0));
        for (int i = 0; i < Followers.MAX_PER_SHARD; i++) {
            assertNull(followers.report("a", "t" + i, 1, "x", 0));
        }
        assertEquals("shard a has 64 followers holding the journal already", followers.report("a", "one-more", 1, "x", 0));
        assertNull(followers.report("a", "t0", 2, "x", 0), "a known follower still reports");
        assertTrue(followers.report("b", "one-more", 1, "x", 0) == null, "the cap is per shard");
    }

    @Test
    void shouldForgetTheLongestSilentFollowerPastTheHoldTimeToMakeRoomAtTheCap() {
        for (int i = 0; i < Followers.MAX_PER_SHARD; i++) {
            assertNull(followers.report("a", "t" + i, 1, "x", 1_000 + i)); // t0 reported first, so it is silent longest
        }
        assertEquals("shard a has 64 followers holding the journal already", followers.report("a", "new", 1, "x", 30_000),
            "every follower still holds within the hold time");
        assertNull(followers.report("a", "new", 1, "x", 70_000), "past the hold time the cap makes room");
        final List<String> names = followers.of("a", 70_000).stream().map(Followers.Follower::name).toList();
        assertEquals(Followers.MAX_PER_SHARD, names.size());
        assertTrue(names.contains("new") && !names.contains("t0") && names.contains("t1"), "t0, silent longest, was forgotten");
    }
}
