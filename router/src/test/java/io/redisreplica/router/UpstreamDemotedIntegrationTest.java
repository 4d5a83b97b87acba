package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * A fixed {@code upstream} whose node stops being the master, without Sentinel (an operator's
 * {@code REPLICAOF}): {@code upstream-demoted follow} continues on its new master with a partial
 * resync, {@code stop} stops the router naming both nodes, and {@code stay} replicates from a
 * replica on purpose, also when that replica's own master changes.
 */
class UpstreamDemotedIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldFollowADemotedUpstreamToItsMasterWithAPartialResync() {
        final RedisServer first = redis.start();
        final RedisServer second = replicaOf(first);
        final SlotShards layout = new SlotShards(first, dir.resolve("journal"));
        try (Router router = Router.start(layout.config, CrossShardPolicy.TRANSLATE);
             CounterLoad load = new CounterLoad(first)) {
            awaitStreaming(router);
            final List<RedisServer> shardReplicas = layout.replicas(redis, RedisBinary.local());
            load.awaitMore(1000);
            load.pause();
            first.awaitReplicasCaughtUp(30_000);
            final long fullSyncs = router.upstream().fullSyncs();
            final long partialSyncs = router.upstream().partialSyncs();
            promote(second, first);
            Await.until("the router to follow to " + second.port(), () -> router.upstream().master().equals("127.0.0.1:" + second.port())
                && router.upstream().state() == UpstreamLink.State.STREAMING, 30_000);
            assertEquals(fullSyncs, router.upstream().fullSyncs(), "no full sync");
            assertEquals(partialSyncs + 1, router.upstream().partialSyncs());
            assertTrue(SentinelFailoverIntegrationTest.stat(second, "sync_partial_ok") >= 1, "the new master counts a partial resync");
            load.resume(second);
            load.awaitMore(1000);
            load.pause();
            DatasetComparison.of(second, shardReplicas, key -> layout.shardOf(key)).awaitEqual("after following", 60_000);
            assertNull(router.failure());
        }
    }

    /**
     * The old master goes on pinging its replicas after the other node's promotion, until it is
     * demoted: the router holds those pings, past where the new master's history forks from the
     * old one. Nothing of them was journaled, so the router goes back to the fork and continues.
     */
    @Test
    void shouldContinueWithAPartialResyncWhenTheOldMasterPingedAfterThePromotion() {
        final RedisServer first = redis.start(RedisBinary.local(), Map.of("repl-ping-replica-period", "1"));
        final RedisServer second = replicaOf(first);
        final SlotShards layout = new SlotShards(first, dir.resolve("journal"));
        try (Router router = Router.start(layout.config, CrossShardPolicy.TRANSLATE)) {
            awaitStreaming(router);
            final List<RedisServer> shardReplicas = layout.replicas(redis, RedisBinary.local());
            try (RedisClient c = first.client()) {
                for (int i = 0; i < 1000; i++) {
                    c.call("INCR", "counter:" + (i % 50));
                }
            }
            first.awaitReplicasCaughtUp(30_000);
            final long fullSyncs = router.upstream().fullSyncs();
            second.call("REPLICAOF", "NO", "ONE");
            final long fork = second.replicationOffset();
            Await.until("the old master's pings to reach the router", () -> router.upstream().offset() > fork, 30_000);
            first.call("REPLICAOF", "127.0.0.1", Integer.toString(second.port()));
            Await.until("the router to follow to " + second.port(), () -> router.upstream().master().equals("127.0.0.1:" + second.port())
                && router.upstream().state() == UpstreamLink.State.STREAMING, 30_000);
            assertEquals(fullSyncs, router.upstream().fullSyncs(), "no full sync");
            second.call("INCR", "counter:1");
            DatasetComparison.of(second, shardReplicas, key -> layout.shardOf(key)).awaitEqual("after following", 60_000);
        }
    }

    @Test
    void shouldStopNamingTheNodeAndItsMasterWhenADemotedUpstreamMayNotBeFollowed() {
        final RedisServer first = redis.start();
        final RedisServer second = replicaOf(first);
        final SlotShards layout = new SlotShards(first, dir.resolve("journal"), "upstream-demoted stop\n");
        try (Router router = Router.start(layout.config, CrossShardPolicy.TRANSLATE)) {
            awaitStreaming(router);
            promote(second, first);
            Await.until("the router to stop", () -> router.failure() != null, 30_000);
            assertTrue(router.failure().contains("upstream 127.0.0.1:" + first.port() + " answers ROLE as a replica of 127.0.0.1:"
                + second.port()), router.failure());
            assertTrue(router.failure().contains("upstream-demoted is stop"), router.failure());
            Await.until("the link to stop", () -> router.upstream().state() == UpstreamLink.State.STOPPED);
        }
    }

    @Test
    void shouldReplicateFromAReplicaAndContinueWhenItsMasterChanges() {
        final RedisServer master = redis.start();
        final RedisServer source = replicaOf(master);
        final RedisServer other = replicaOf(master);
        final SlotShards layout = new SlotShards("upstream 127.0.0.1:" + source.port() + "\nupstream-demoted stay", dir.resolve("journal"), "");
        try (Router router = Router.start(layout.config, CrossShardPolicy.TRANSLATE);
             CounterLoad load = new CounterLoad(master)) {
            awaitStreaming(router);
            final List<RedisServer> shardReplicas = layout.replicas(redis, RedisBinary.local());
            load.awaitMore(1000);
            assertEquals(1, SentinelFailoverIntegrationTest.stat(source, "sync_full"), "the replica served the router's full sync");
            assertEquals(2, SentinelFailoverIntegrationTest.stat(master, "sync_full"), "the master only its two replicas'");
            load.pause();
            master.awaitReplicasCaughtUp(30_000);
            source.awaitReplicasCaughtUp(30_000);
            final long fullSyncs = router.upstream().fullSyncs();
            final long offset = router.upstream().offset();
            final String replid = router.upstream().replid();
            // a failover above the router's source: other is promoted, the old master and the source follow it
            other.call("REPLICAOF", "NO", "ONE");
            master.call("REPLICAOF", "127.0.0.1", Integer.toString(other.port()));
            source.call("REPLICAOF", "127.0.0.1", Integer.toString(other.port()));
            source.awaitReplicaInSync(30_000);
            load.resume(other);
            load.awaitMore(1000);
            load.pause();
            other.awaitReplicasCaughtUp(30_000);
            Await.until("the router to stream on", () -> router.upstream().state() == UpstreamLink.State.STREAMING
                && router.upstream().offset() == other.replicationOffset(), 30_000);
            assertEquals(fullSyncs, router.upstream().fullSyncs(), "no full sync: the offsets continue");
            assertTrue(router.upstream().offset() > offset);
            assertEquals("127.0.0.1:" + source.port(), router.upstream().master(), "still on the replica");
            assertNotEquals(replid, router.upstream().replid(), "the new master's replid, learned through the replica");
            DatasetComparison.of(other, shardReplicas, key -> layout.shardOf(key)).awaitEqual("after the failover above", 60_000);
        }
    }

    private RedisServer replicaOf(RedisServer master) {
        final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + master.port()));
        replica.awaitReplicaInSync(20_000);
        return replica;
    }

    /** A failover by hand: {@code replica} becomes the master, {@code master} its replica. */
    private static void promote(RedisServer replica, RedisServer master) {
        replica.call("REPLICAOF", "NO", "ONE");
        master.call("REPLICAOF", "127.0.0.1", Integer.toString(replica.port()));
    }

    private static void awaitStreaming(Router router) {
        Await.until("the router's first sync", () -> router.upstream().state() == UpstreamLink.State.STREAMING, 60_000);
    }
}
