package io.redisreplica.router.admin;

import java.util.List;

import io.redisreplica.router.upstream.UpstreamLink;

/** One router's status with every field set apart, for the report tests. */
final class FixedStatus {
    private FixedStatus() {
    }

    static RouterStatus withSinks(boolean sinks) {
        final RouterStatus.Replica streaming = new RouterStatus.Replica("127.0.0.1:50001", 6380, "streaming", 900, 800, 3, 1,
            12.34, 5, 40, 90, "127.0.0.1:6380", 120, 2400);
        final RouterStatus.Replica waiting = new RouterStatus.Replica("127.0.0.1:50002", 6381, "wait_snapshot", -1, -1, 0, 0, 0, 0, 0, 0,
            "127.0.0.1:6381", 0, 0);
        final RouterStatus.Shard a = new RouterStatus.Shard("a", 7001, "prefix=a:,b:", "aaaa", 2, 100, null, 50, 1000, 4, 5, 6, 7, 8, 9,
            10, 11, List.of(streaming), 950, 4096, true,
            List.of(new RouterStatus.Follower("127.0.0.1:6390", "127.0.0.1:50003", 990, 2, 7.5, 400, true)));
        final RouterStatus.Shard b = new RouterStatus.Shard("b", 7002, "rest", "bbbb", 1, -1, "first_sync", 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
            List.of(waiting), 0, 0, false, List.of());
        final List<RouterStatus.Sink> sinkList = !sinks ? List.of() : List.of(
            new RouterStatus.Sink("events", "a", "xadd", "paused", 700, 300, 42, 2, 5, 1, 1, 1200, 4096, "connection refused, again\r\nand"),
            new RouterStatus.Sink("files", "a", "class", "running", -1, -1, 0, 0, 0, -1, 0, -1, -1, ""));
        return new RouterStatus(61_500, 1, 0, 12, 3, new RouterStatus.Admin(2, 1, 0),
            new RouterStatus.Upstream("streaming", "r1d", 12345, 1, 2, 4096, 3, 1, 0, 64, "java.io.IOException: reset\r\nby peer",
                "10.0.0.2:6380", new UpstreamLink.SentinelView("mymaster", 3, "10.0.0.9:26379", "subscribed:10.0.0.9:26379", 1)),
            new RouterStatus.Routing(100, 1, 2, 3, 4, 5, 6, 7), List.of(a, b), sinkList,
            new RouterStatus.Vitals(1500, 200, 10L << 30, 100L << 30, 256L << 20));
    }
}
