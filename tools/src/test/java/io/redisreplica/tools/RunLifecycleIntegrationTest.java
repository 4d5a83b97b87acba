package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * How {@code redis-replica run} ends, as a supervisor sees it: SIGTERM closes in order and exits
 * 0 (and the next start continues with PSYNC, nothing lost or repeated); a fault it cannot recover
 * from exits 6 with one ERROR line; a master that is away is retried quietly and followed again.
 */
class RunLifecycleIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private RouterProcess routers;

    @BeforeEach
    void setUp() {
        routers = new RouterProcess(dir);
    }

    @Test
    void shouldCloseInOrderAndExitZeroOnSigtermThenResumeWithNothingLostOrRepeated() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "64mb"));
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        final Path config = shards.config;
        Process router = routers.start(config);
        final List<RedisServer> replicas = shards.replicas(redis);
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread workload = new Thread(() -> {
            try (RedisClient c = master.client()) {
                for (long seq = 0; running.get(); seq++) {
                    c.call("INCR", "counter:" + (seq % 20));
                    c.call("RPUSH", "seq:" + (seq % 5), seq);
                }
            }
        }, "workload");
        workload.start();
        try {
            routers.awaitStreaming(0);
            Thread.sleep(500);
            router.destroy(); // SIGTERM under load
            assertTrue(router.waitFor(40, TimeUnit.SECONDS), "the router stops within its bound");
            final String log = Files.readString(routers.log(0));
            assertEquals(0, router.exitValue(), log);
            assertTrue(log.contains("router stopped"), log);
            router = routers.start(config);
            routers.awaitStreaming(1);
            Thread.sleep(500);
        } finally {
            running.set(false);
            workload.join();
        }
        try {
            assertTrue(Files.readString(routers.log(1)).matches("(?s).*partial resync with \\S+ accepted at offset.*"), Files.readString(routers.log(1)));
            DatasetComparison.of(master, replicas, TwoSlotShards::shardOf).awaitEqual("after SIGTERM and a restart", 30_000);
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }

    @Test
    void shouldExitSixWithOneErrorLineWhenTheCrossShardPolicyStopMeetsACrossShardCommand() throws Exception {
        final RedisServer master = redis.start();
        final Process router = routers.start(new TwoSlotShards(dir, master).config, "--cross-shard", "stop");
        try {
            routers.awaitStreaming(0);
            master.call("SET", "a", "1");
            master.call("RENAME", "a", "b"); // slots 15495 and 3300: two shards
            assertTrue(router.waitFor(30, TimeUnit.SECONDS), "the router exits by itself");
            final String log = Files.readString(routers.log(0));
            assertEquals(6, router.exitValue(), log);
            assertEquals(1, log.lines().filter(l -> l.contains("ERROR")).count(), log);
            assertTrue(log.contains("cross-shard command"), log);
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }

    @Test
    void shouldRetryAMasterThatIsAwayWithoutALogLinePerAttemptAndFollowItWhenBack() throws Exception {
        final RedisServer master = redis.start();
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        final Process router = routers.start(shards.config);
        try {
            final List<RedisServer> replicas = shards.replicas(redis);
            routers.awaitStreaming(0);
            final long linesBefore = Files.readString(routers.log(0)).lines().count();
            master.kill();
            Thread.sleep(6000); // about eight attempts with backoff
            final List<String> whileAway = Files.readString(routers.log(0)).lines().skip(linesBefore).toList();
            final long events = whileAway.stream().filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d.*")).count(); // not stack frames
            assertTrue(events <= 4, "one line per distinct error, not one per attempt:\n" + String.join("\n", whileAway));
            master.startAgain();
            master.call("SET", "back", "1");
            Await.until("the router to follow the master again",
                () -> {
                    try {
                        return Files.readString(routers.log(0)).contains("failed attempts");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }, 30_000);
            DatasetComparison.of(master, replicas, TwoSlotShards::shardOf).awaitEqual("after the master came back", 30_000);
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }
}
