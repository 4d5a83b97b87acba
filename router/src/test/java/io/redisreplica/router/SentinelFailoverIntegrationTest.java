package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.SentinelGroup;

/**
 * The router behind three sentinels, a master and a replica, under a write load of counters and
 * sequences: through a failover ({@code SENTINEL FAILOVER}, or a SIGKILL of the master) it follows
 * the promoted replica with a partial resync (Redis keeps the old replid as its replid2), so no
 * shard replica notices: no new snapshot, no full resync, and every shard equals the new master.
 * The load pauses around the failover itself, as an application does while its sentinel client
 * learns of the new master: a write the old master takes after the promotion is lost by Redis,
 * and the router, which would then hold it, needs a full sync to lose it too.
 * {@code -Dfailover.rounds=N} repeats the failovers (bench/failover-soak.sh: 5); each round
 * fails over to the other node.
 */
class SentinelFailoverIntegrationTest {
    private static final int ROUNDS = Integer.getInteger("failover.rounds", 1);

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldContinueWithAPartialResyncThroughSentinelFailover() {
        run(false);
    }

    @Test
    void shouldContinueWithAPartialResyncWhenTheMasterIsKilledAndSentinelsPromoteTheReplica() {
        run(true);
    }

    private void run(boolean kill) {
        final RedisServer first = redis.start();
        final RedisServer second = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + first.port()));
        second.awaitReplicaInSync(20_000);
        final SentinelGroup sentinels = SentinelGroup.start(redis, "m", first, 3);
        final int admin = FreePort.find();
        final SlotShards layout = new SlotShards("upstream-sentinel m " + sentinels.addresses(), dir.resolve("journal"),
            "admin 127.0.0.1:" + admin + "\n");
        try (Router router = Router.start(layout.config, CrossShardPolicy.TRANSLATE);
             CounterLoad load = new CounterLoad(first)) {
            Await.until("the router's first sync", () -> router.upstream().state() == UpstreamLink.State.STREAMING, 60_000);
            final List<RedisServer> shardReplicas = layout.replicas(redis, RedisBinary.local());
            load.awaitMore(2000);
            RedisServer master = first;
            RedisServer replica = second;
            for (int round = 1; round <= ROUNDS; round++) {
                sentinels.awaitWatching(replica.port());
                load.pause();
                master.awaitReplicasCaughtUp(30_000); // the replica and the router hold every write
                final long partialBefore = stat(replica, "sync_partial_ok");
                final long fullBefore = stat(replica, "sync_full");
                final long linkPartials = router.upstream().partialSyncs();
                final long linkFulls = router.upstream().fullSyncs();
                final long[] shardFull = shardCounters(router);
                if (kill) {
                    master.kill();
                } else {
                    sentinels.failover();
                }
                sentinels.awaitMaster(replica.port());
                final RedisServer promoted = replica;
                Await.until("the router to stream from the promoted node", () -> router.upstream().master().equals("127.0.0.1:"
                    + promoted.port()) && router.upstream().state() == UpstreamLink.State.STREAMING, 60_000);
                assertEquals(linkFulls, router.upstream().fullSyncs(), "round " + round + ": no full sync of the router");
                final int switches = round;
                Await.until("the watcher to see +switch-master", () -> router.upstream().sentinel().switches() >= switches, 30_000);
                try (RedisClient c = new RedisClient("127.0.0.1", admin)) {
                    final String info = c.callString("INFO", "upstream");
                    assertTrue(info.contains("upstream_master:127.0.0.1:" + promoted.port() + "\r\n"), info);
                    assertTrue(info.contains("upstream_sentinel_master_name:m\r\nupstream_sentinels:3\r\n"), info);
                    assertTrue(info.contains("upstream_sentinel_watch:subscribed:127.0.0.1:"), info);
                }
                assertEquals(linkPartials + 1, router.upstream().partialSyncs(), "round " + round + ": one partial resync");
                assertTrue(stat(promoted, "sync_partial_ok") > partialBefore, "round " + round + ": the new master counts it partial");
                if (kill) {
                    // the killed node is not back yet: the router is the only replica that synced
                    assertEquals(fullBefore, stat(promoted, "sync_full"), "round " + round + ": no full sync on the new master");
                }
                load.resume(promoted);
                load.awaitMore(2000);
                if (kill) {
                    master.startAgainAsReplicaOf(promoted);
                }
                final RedisServer old = master;
                master = promoted;
                replica = old;
                load.pause();
                DatasetComparison.of(master, shardReplicas, key -> layout.shardOf(key)).awaitEqual("round " + round, 60_000);
                assertArrayEqual(shardFull, shardCounters(router), "round " + round + ": no shard took a full resync");
                load.resume(master);
            }
            load.pause();
            DatasetComparison.of(master, shardReplicas, key -> layout.shardOf(key)).awaitEqual("at the end", 60_000);
        }
    }

    /** Per shard: the full resyncs its virtual master served. */
    private static long[] shardCounters(Router router) {
        final List<ShardRuntime> shards = router.shards();
        final long[] full = new long[shards.size()];
        for (int i = 0; i < full.length; i++) {
            full[i] = shards.get(i).fullResyncs();
        }
        return full;
    }

    private static void assertArrayEqual(long[] expected, long[] actual, String what) {
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(actual), what);
    }

    /** A field of {@code INFO stats}. */
    static long stat(RedisServer server, String field) {
        try (RedisClient c = server.client()) {
            final String info = c.callString("INFO", "stats");
            final int at = info.indexOf(field + ":") + field.length() + 1;
            return Long.parseLong(info.substring(at, info.indexOf('\r', at)));
        }
    }
}
