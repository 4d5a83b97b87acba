package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * {@code redis-replica cutover} with a router (its own JVM), real replicas and a write load of
 * INCR counters and RPUSHed sequence numbers: after the cutover every shard replica is a master
 * holding exactly the master's keys of its shard, every acknowledged write included; a cutover
 * that cannot finish (a frozen replica) promotes nothing and leaves the master writable.
 */
class CutoverIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private Thread workload(RedisServer master, AtomicBoolean running, AtomicLong acked) {
        final Thread t = new Thread(() -> {
            try (RedisClient c = master.client()) {
                for (long seq = 0; running.get(); seq++) {
                    c.call("INCR", "counter:" + (seq % 20));
                    c.call("RPUSH", "seq:" + (seq % 5), seq);
                    acked.set(seq);
                }
            } catch (RuntimeException e) {
                // the test is over
            }
        }, "workload");
        t.start();
        return t;
    }

    @Test
    void shouldPromoteEveryShardWithEveryAcknowledgedWriteUnderLoad() throws Exception {
        final RedisServer master = redis.start();
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        shards.admin();
        final Process router = new RouterProcess(dir).start(shards.config);
        try {
            final List<RedisServer> replicas = shards.replicas(redis);
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong acked = new AtomicLong(-1);
            final Thread load = workload(master, running, acked);
            Thread.sleep(1500);
            final Cli dry = Cli.run("cutover", "-c", shards.config.toString(), "--dry-run");
            assertEquals(0, dry.exit(), dry.out() + dry.err());
            assertTrue(dry.out().contains("plan (dry run)"), dry.out());
            final Cli cutover = Cli.run("cutover", "-c", shards.config.toString(), "--timeout", "30s", "--compare-sample", "0.5", "--json");
            assertEquals(0, cutover.exit(), cutover.out() + cutover.err());
            assertTrue(cutover.out().startsWith("{\"promoted\":true,\"shards\":{\"s0\":"), cutover.out());
            assertEquals(2, JsonParsing.parse(cutover.out()).get("shards").size(), cutover.out());
            final long lastAcked = acked.get();
            for (RedisServer r : replicas) {
                assertTrue(r.call("ROLE").toString().contains("master") || new String((byte[]) ((List<?>) r.call("ROLE")).get(0)).equals("master"),
                    "promoted: " + r.call("ROLE"));
            }
            // the master is still paused for writes: its data is what the application wrote before the cutover
            DatasetComparison.of(master, replicas, TwoSlotShards::shardOf).assertEqual("after the cutover");
            assertTrue(lastAcked > 100, "a write load ran: " + lastAcked);
            running.set(false);
            master.call("CLIENT", "UNPAUSE");
            load.join(10_000);
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }

    @Test
    void shouldPromoteNothingAndUnpauseTheMasterWhenAReplicaCannotCatchUp() throws Exception {
        final RedisServer master = redis.start();
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        shards.admin();
        final Process router = new RouterProcess(dir).start(shards.config);
        try {
            final List<RedisServer> replicas = shards.replicas(redis);
            replicas.get(1).pause();
            try {
                for (int i = 0; i < 300; i++) {
                    master.call("SET", "k" + i, "v");
                }
                final Cli cutover = Cli.run("cutover", "-c", shards.config.toString(), "--timeout", "3s");
                assertEquals(1, cutover.exit(), cutover.out() + cutover.err());
                assertTrue(cutover.err().contains("cutover abandoned: not in sync within the timeout")
                    && cutover.err().contains("the master is unpaused"), cutover.err());
                final long start = System.nanoTime();
                master.call("SET", "after", "1"); // writable at once
                assertTrue(System.nanoTime() - start < 1_000_000_000L, "the master was unpaused");
            } finally {
                replicas.get(1).resume();
            }
            for (RedisServer r : replicas) {
                final String info = new String((byte[]) r.call("INFO", "replication"));
                assertTrue(info.contains("role:slave"), "nothing promoted: " + info);
            }
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }
}
