package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.DatasetComparison;

/**
 * The durability promise under faults, with real processes: the router runs as its own JVM
 * ({@code redis-replica run}) and is killed with SIGKILL twice (a shard replica too, once)
 * while a workload of INCRs and RPUSHes of sequence numbers runs on the master, and a shard
 * replica is frozen (SIGSTOP) for a while; cross-shard RENAME, LMOVE, SMOVE and MSETNX move
 * counters and sequence numbers between shards all along. {@code bench/soak.sh} runs the same with many kills. A lost command would show as a smaller counter or a missing element, a duplicate as a
 * larger counter or a repeated element: at the end every shard must equal the master's keys of
 * its slots exactly.
 */
class RouterChaosIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private RouterProcess routers;

    @org.junit.jupiter.api.BeforeEach
    void setUp() {
        routers = new RouterProcess(dir);
    }

    private Process router(Path config) throws Exception {
        return routers.start(config);
    }

    @Test
    void shouldLoseAndRepeatNothingAcrossKillNinesOfTheRouterAndAReplicaAndAFrozenReplica() throws Exception {
        // a backlog that holds the writes made while the router restarts, so it can resume with PSYNC
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "256mb"));
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        final Path config = shards.config;
        Process router = router(config);
        final List<RedisServer> replicas = shards.replicas(redis);
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong ops = new AtomicLong();
        final Thread workload = new Thread(() -> {
            try (RedisClient c = master.client()) {
                long seq = 0;
                while (running.get()) {
                    c.call("INCR", "counter:" + (seq % 50));
                    c.call("RPUSH", "seq:" + (seq % 10), seq);
                    if (seq % 100 == 0) {
                        c.call("MULTI");
                        c.call("INCR", "tx:a");
                        c.call("INCR", "tx:b"); // different shards: one transaction per shard
                        c.call("EXEC");
                        c.call("DEL", "gone:" + seq, "gone:" + (seq + 1)); // split across shards
                    }
                    if (seq % 10 == 5) { // cross-shard moves, translated: counters and sequences must survive them exactly
                        c.call("INCR", "mv:" + (seq % 7));
                        c.call("RENAME", "mv:" + (seq % 7), "mv:" + ((seq + 3) % 7));
                        c.call("RPUSH", "q:" + (seq % 3), seq);
                        c.call("LMOVE", "q:" + (seq % 3), "q:" + ((seq + 1) % 3), "LEFT", "RIGHT");
                        // a translated move sends its whole destination: keep the lists short, as moves into
                        // a list that grows without end would make every move cost its length
                        c.call("LTRIM", "q:" + ((seq + 1) % 3), -20, -1);
                        c.call("SADD", "set:" + (seq % 3), seq);
                        c.call("SMOVE", "set:" + (seq % 3), "set:" + ((seq + 2) % 3), seq);
                        c.call("MSETNX", "nx:" + seq, seq, "nx:" + (seq + 1000003), seq);
                    }
                    seq++;
                    ops.incrementAndGet();
                }
            }
        }, "workload");
        workload.start();
        try {
            // the soak (bench/soak.sh) raises the count: -Dchaos.kills=N
            final int kills = Integer.getInteger("chaos.kills", 2);
            for (int kill = 0; kill < kills; kill++) {
                awaitStreaming(routers.starts() - 1);
                Thread.sleep(400 + (kill % 3) * 300L); // let it journal under load, then
                router.destroyForcibly(); // SIGKILL mid-stream
                router.waitFor();
                Thread.sleep(300);
                router = router(config);
                if (kill % 2 == 1) {
                    replicas.get(0).killAndRestart(); // a replica crash too: it comes back empty and resyncs
                }
            }
            awaitStreaming(routers.starts() - 1);
            Thread.sleep(500);
            replicas.get(1).pause(); // a frozen replica must not hold the others back
            Thread.sleep(2000);
            replicas.get(1).resume();
            Thread.sleep(1000);
        } finally {
            running.set(false);
            workload.join();
        }
        try {
            // the router may be far behind the master after many restarts (each replays the master's backlog
            // from its checkpoint, with a translation read per cross-shard move): let it catch up first, as long as
            // it makes progress, so what the comparison finds is a difference, not a lag
            final long caughtUpMs = master.awaitReplicasCaughtUp(30_000);
            System.out.println("chaos: the router caught up with the master (offset " + master.replicationOffset() + ") " + caughtUpMs
                + " ms after the workload stopped");
            String difference = null;
            try {
                DatasetComparison.of(master, replicas, TwoSlotShards::shardOf).awaitEqual("at the end", 30_000);
            } catch (AssertionError e) {
                difference = e.getMessage();
            }
            final StringBuilder logs = new StringBuilder();
            for (int i = 0; i < routers.starts(); i++) {
                logs.append("---- router start ").append(i).append('\n').append(Files.readString(routers.log(i)));
            }
            final String log = logs.toString();
            final long resumed = log.lines().filter(l -> l.contains("partial resync with ") && l.contains(" accepted at offset ")).count();
            if (resumed < Integer.getInteger("chaos.kills", 2)) {
                throw new AssertionError("after each SIGKILL the router should resume upstream with PSYNC, resumed " + resumed
                    + " times:\n" + log);
            }
            if (difference != null) {
                // the journal's entries for the first differing key, and the shard replicas' view of it
                final java.util.regex.Matcher m = java.util.regex.Pattern.compile("key \"([^\"]+)\" shard (\\d)").matcher(difference);
                final StringBuilder trace = new StringBuilder();
                if (m.find()) {
                    router.destroyForcibly();
                    router.waitFor();
                    final Cli grep = Cli.run("journal", "grep", dir.resolve("journal").toString(), "-s", "s" + m.group(2), "--key",
                        "^" + java.util.regex.Pattern.quote(m.group(1)) + "$");
                    trace.append("journal of s").append(m.group(2)).append(" for ").append(m.group(1)).append(":\n").append(grep.out())
                        .append(grep.err()).append("\nreplica log:\n").append(replicas.get(Integer.parseInt(m.group(2))).logTail(40));
                }
                throw new AssertionError(difference + " after " + ops.get() + " operations\n" + trace + "\nrouter logs:\n" + log);
            }
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }

    @Test
    void shouldTakeANewSnapshotWhenTheMastersBacklogNoLongerHoldsTheCheckpoint() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "16kb"));
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        final Path config = shards.config;
        Process router = router(config);
        try {
            final List<RedisServer> replicas = shards.replicas(redis);
            awaitStreaming(0);
            router.destroyForcibly();
            router.waitFor();
            try (RedisClient c = master.client()) {
                for (int i = 0; i < 2000; i++) {
                    c.call("RPUSH", "log", "entry-" + i + "-" + "x".repeat(40)); // far more than the 16 KB backlog
                }
            }
            router = router(config);
            awaitMirrored(master, replicas, "after the backlog was outrun");
            final String log = Files.readString(routers.log(1));
            assertTrue(log.contains("-> FULL_SYNC"), "the restarted router had to take a full sync:\n" + log);
            assertTrue(log.contains("FULL_SYNC -> LOADING (snapshot of"), "and its replica a full resync of the new snapshot:\n" + log);
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }

    @Test
    void shouldFollowTheMasterThroughRestartsWithAndWithoutPersistence() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "64mb"));
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        final Path config = shards.config;
        Process router = router(config);
        try {
            final List<RedisServer> replicas = shards.replicas(redis);
            for (int round = 0; round < 3; round++) {
                try (RedisClient c = master.client()) {
                    for (int i = 0; i < 300; i++) {
                        c.call("INCR", "counter:" + (i % 20));
                        c.call("RPUSH", "list:" + (i % 5), round + "-" + i);
                    }
                }
                awaitMirrored(master, replicas, "round " + round);
                if (round == 0) {
                    master.restart(true); // SHUTDOWN SAVE: same replid and offset, the router continues
                } else if (round == 1) {
                    master.restart(false); // no persistence: an empty master with a new replid
                }
            }
            final String log = Files.readString(routers.log(0));
            assertTrue(log.matches("(?s).*partial resync with \\S+ accepted at offset.*"), "continued after the restart with persistence:\n" + log);
            assertTrue(log.lines().filter(l -> l.contains("-> FULL_SYNC")).count() >= 2,
                "a full sync after the restart without persistence:\n" + log);
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }



    private static void awaitMirrored(RedisServer master, List<RedisServer> replicas, String when) {
        DatasetComparison.of(master, replicas, TwoSlotShards::shardOf).awaitEqual(when, 30_000);
    }



    private void awaitStreaming(int i) throws Exception {
        routers.awaitStreaming(i);
    }

}
