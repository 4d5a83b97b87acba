package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisCluster;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * {@code replay --follow} as an operator runs it: a process of its own next to the router's,
 * reporting to the admin port. It keeps an empty target equal to the shard through SIGKILLs of
 * itself and of the router; the router shows it (lag, in_sync); and when the master loses its
 * data (restarted without persistence: a new replid, a full sync, a new snapshot), the follower
 * empties the target and loads the new snapshot by itself, so the keys that vanished vanish from
 * the target too.
 */
class ReplayFollowIntegrationTest {
    private static final String CHECKPOINT = "redis-replica:replay:a";

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private int replays;

    @AfterEach
    void killProcesses() {
        processes.forEach(Process::destroyForcibly);
    }

    /** Where shard a goes: one server, or the nodes of a cluster (each key on the node of its slot). */
    private record Target(List<RedisServer> servers, RedisCluster cluster) {
        static Target of(RedisServer server) {
            return new Target(List.of(server), null);
        }

        static Target of(RedisCluster cluster) {
            return new Target(cluster.nodes(), cluster);
        }

        /** Shard a holds the master's "a:" keys; the rest belongs to no target of this test. */
        int owner(int db, byte[] key) {
            return !new String(key).startsWith("a:") ? DatasetComparison.NO_SHARD : cluster == null ? 0 : cluster.nodeOf(key);
        }

        int port() {
            return servers.get(0).port();
        }

        /** Every key of the master against the target; a cluster has db 0 only. */
        DatasetComparison comparedWith(RedisServer master) {
            final DatasetComparison c = DatasetComparison.of(master, servers, this::owner);
            return cluster == null ? c : c.databases(1);
        }

        /** Deletes the replay's own bookkeeping (checkpoints, per slot on a cluster), which the shard does not have. */
        void deleteBookkeeping() {
            for (RedisServer s : servers) {
                try (RedisClient c = s.client()) {
                    for (Object key : (List<?>) c.call("KEYS", "*" + CHECKPOINT + "*")) {
                        c.call("DEL", key);
                    }
                }
            }
        }
    }

    private Path config(RedisServer master, int admin) throws Exception {
        return Files.writeString(dir.resolve("router.conf"), "upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nadmin 127.0.0.1:" + admin + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\nshard b 127.0.0.1:" + FreePort.find()
            + " prefix=b:\n");
    }

    private Process follow(Target target, int admin, String... more) throws Exception {
        final List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-exports") || arg.startsWith("--add-opens") || arg.startsWith("-Dchronicle")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "replay", dir.resolve("journal").toString(),
            "-s", "a", "-t", "127.0.0.1:" + target.port(), "--quiet", "--follow", "--admin", "127.0.0.1:" + admin, "--follower-name",
            "target-a"));
        cmd.addAll(List.of(more));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("replay-" + replays++ + ".log").toFile())
            .start();
        processes.add(p);
        return p;
    }

    /** Counters and sequences make a lost or doubled command visible; a key per round proves new keys arrive. */
    private static void write(RedisServer master, int round) {
        write(master, round, true);
    }

    /** As {@link #write(RedisServer, int)}; {@code db3}: also writes to db 3 (a cluster has db 0 only). */
    private static void write(RedisServer master, int round, boolean db3) {
        try (RedisClient c = master.client()) {
            for (int i = 0; i < 50; i++) {
                c.call("INCR", "a:counter:" + (i % 5));
                c.call("RPUSH", "a:seq", round + ":" + i);
                c.call("SET", "b:other:" + i, "not shard a");
            }
            c.call("SET", "a:round:" + round, "r" + round);
            if (db3) {
                c.call("SELECT", "3");
                c.call("HSET", "a:in3", "round" + round, "x");
            }
        }
    }

    private static String info(int admin) {
        try (RedisClient c = new RedisClient("127.0.0.1", admin)) {
            return c.callString("INFO", "shards");
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The follower's INFO line on the admin port says its target applied the shard's journal end. */
    private static void awaitFollowerInSync(int admin) {
        Await.until("the follower reports in sync", () -> {
            final String shards = info(admin);
            return shards.contains("shard_a_follower0:name=target-a,") && shards.contains(",in_sync=1")
                && shards.contains(",holding=1,");
        }, 60_000);
    }

    private void awaitEqual(RedisServer master, Target target, String when) throws Exception {
        final long deadline = System.currentTimeMillis() + 60_000;
        List<DatasetComparison.Difference> d;
        // the replay's own bookkeeping keys are the only ones the shard does not have
        while (!(d = target.comparedWith(master).differences().stream().filter(x -> !x.key().contains(CHECKPOINT)).toList()).isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(DatasetComparison.describe("the target " + when, d) + "\nreplay log:\n"
                    + Files.readString(dir.resolve("replay-" + (replays - 1) + ".log")));
            }
            Thread.sleep(100); // a poll, as Await's
        }
    }

    private static void assertEqualWithoutBookkeeping(RedisServer master, Target target, String when) {
        target.deleteBookkeeping();
        target.comparedWith(master).assertEqual("target " + when);
    }

    @Test
    void shouldKeepAnEmptyTargetEqualToTheShardThroughKillsOfTheReplayAndTheRouter() throws Exception {
        final RedisServer master = redis.start();
        followThroughKills(master, Target.of(redis.start()), true);
    }

    @Test
    void shouldKeepAnEmptyThreeNodeClusterEqualToTheShardThroughKillsOfTheReplayAndTheRouter() throws Exception {
        final RedisServer master = redis.start();
        followThroughKills(master, Target.of(RedisCluster.start(redis, 3)), false);
    }

    /** Load, follow, SIGKILL the replay, SIGKILL the router: the target equals shard a after each, every key compared. */
    private void followThroughKills(RedisServer master, Target target, boolean db3) throws Exception {
        write(master, 0, db3);
        final int admin = FreePort.find();
        final Path config = config(master, admin);
        final RouterProcess routers = new RouterProcess(dir);
        Process router = routers.start(config);
        processes.add(router);
        routers.awaitStreaming(0);
        Process replay = follow(target, admin);
        write(master, 1, db3);
        awaitEqual(master, target, "after the snapshot load and the journal");
        awaitFollowerInSync(admin);

        replay.destroyForcibly().waitFor();
        write(master, 2, db3);
        replay = follow(target, admin);
        awaitEqual(master, target, "after the replay was killed and started again");

        router.destroyForcibly().waitFor();
        write(master, 3, db3);
        router = routers.start(config);
        processes.add(router);
        routers.awaitStreaming(1);
        write(master, 4, db3);
        awaitEqual(master, target, "after the router was killed and started again");
        awaitFollowerInSync(admin); // the follower reported again to the new router by itself

        final Cli status = Cli.run("status", "-c", config.toString(), "--json");
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().contains("\"followers\":[{\"name\":\"target-a\""), status.out());

        replay.destroyForcibly().waitFor();
        assertEqualWithoutBookkeeping(master, target, "at the end");
        try (RedisClient c = target.servers().get(target.cluster() == null ? 0 : target.cluster().nodeOf("a:seq".getBytes())).client()) {
            assertEquals(5 * 50, c.callLong("LLEN", "a:seq"), "every RPUSH once");
        }
    }

    @Test
    void shouldKeepTheTargetEqualWhenTheFollowerStartsAgainAfterARouterRestartAndValuesReadFromTheMaster() throws Exception {
        final RedisServer master = redis.start();
        write(master, 0);
        final int admin = FreePort.find();
        final Path config = config(master, admin);
        final RouterProcess routers = new RouterProcess(dir);
        Process router = routers.start(config);
        processes.add(router);
        routers.awaitStreaming(0);
        final Target target = Target.of(redis.start());
        Process replay = follow(target, admin);
        awaitEqual(master, target, "after the snapshot load");

        // the router starts again over its journal: a new line in the journal's history, from its end on
        router.destroyForcibly().waitFor();
        router = routers.start(config);
        processes.add(router);
        routers.awaitStreaming(1);
        // a value the router reads from the master (shard a gets b:n renamed into it as a RESTORE), then commands on it
        try (RedisClient c = master.client()) {
            c.call("SET", "b:n", "5");
            c.call("RENAME", "b:n", "a:n");
        }
        awaitEqual(master, target, "after a RENAME into the shard");
        try (RedisClient c = master.client()) {
            c.call("INCR", "a:n");
            c.call("INCR", "a:n");
        }
        write(master, 1);
        awaitEqual(master, target, "after commands on the renamed key");

        // the follower starts again from its checkpoint, written after the router's restart
        replay.destroyForcibly().waitFor();
        replay = follow(target, admin);
        write(master, 2);
        awaitEqual(master, target, "after the follower started again");
        replay.destroyForcibly().waitFor();
        assertEqualWithoutBookkeeping(master, target, "at the end");
        try (RedisClient c = target.servers().get(0).client()) {
            assertEquals("7", c.callString("GET", "a:n"), "the value read from the master not applied again over later INCRs");
        }
    }

    @Test
    void shouldReloadTheTargetWhenTheMasterLosesItsDataAndTheShardTakesANewSnapshot() throws Exception {
        final RedisServer master = redis.start();
        write(master, 0);
        master.call("SET", "a:vanishes", "with the master's data");
        final int admin = FreePort.find();
        final Path config = config(master, admin);
        final RouterProcess routers = new RouterProcess(dir);
        processes.add(routers.start(config));
        routers.awaitStreaming(0);
        final Target target = Target.of(redis.start());
        final Process replay = follow(target, admin);
        write(master, 1);
        awaitEqual(master, target, "before the master loses its data");
        awaitFollowerInSync(admin);

        // restarted without its data: a new replid, so the router's PSYNC fails and a full sync gives every shard a new snapshot
        master.kill();
        Files.deleteIfExists(master.dir().resolve("dump.rdb"));
        master.startAgain();
        write(master, 2);
        awaitEqual(master, target, "after the new snapshot");
        awaitFollowerInSync(admin);
        final String log = Files.readString(dir.resolve("replay-0.log"));
        assertTrue(log.contains("the shard has a new snapshot (epoch") && log.contains("emptying the target (FLUSHALL)"), log);
        assertTrue(replay.isAlive(), "the follower went on by itself:\n" + log);
        replay.destroyForcibly().waitFor();
        assertEqualWithoutBookkeeping(master, target, "after the reload");
        try (RedisClient c = target.servers().get(0).client()) {
            assertEquals(0, c.callLong("EXISTS", "a:vanishes"), "a key the master lost is gone from the target too");
        }
    }

    @Test
    void shouldStopAFollowWithoutSnapshotsLoudlyWhenTheShardTakesANewSnapshot() throws Exception {
        final RedisServer master = redis.start();
        final int admin = FreePort.find();
        final Path config = config(master, admin);
        final RouterProcess routers = new RouterProcess(dir);
        processes.add(routers.start(config));
        routers.awaitStreaming(0);
        final Target target = Target.of(redis.start());
        final Process replay = follow(target, admin, "--no-snapshot");
        write(master, 1);
        awaitEqual(master, target, "before the master loses its data");

        master.kill();
        Files.deleteIfExists(master.dir().resolve("dump.rdb"));
        master.startAgain();
        write(master, 2);
        Await.until("the follower stops", () -> !replay.isAlive(), 60_000);
        final String log = Files.readString(dir.resolve("replay-0.log"));
        assertEquals(ExitCodes.BAD_INPUT, replay.exitValue(), log);
        assertTrue(log.contains("the shard has a new snapshot (epoch") && log.contains("--no-snapshot says the replay does not load "
            + "snapshots: stopped, the target left as it is"), log);
    }
}
