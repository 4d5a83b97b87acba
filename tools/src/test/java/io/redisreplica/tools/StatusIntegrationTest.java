package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * {@code redis-replica status} against a running router (its own JVM) and real replicas: every
 * shard in sync once the replicas acknowledged what the master wrote; a frozen replica keeps its
 * shard out of sync, named with its acknowledged offset, while the other shard is in sync.
 */
class StatusIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldSayEachShardIsInSyncOnlyWhenItsReplicasAcknowledgedEverything() throws Exception {
        final RedisServer master = redis.start();
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        final int admin = shards.admin();
        final RouterProcess routers = new RouterProcess(dir);
        final Process router = routers.start(shards.config);
        try {
            final List<RedisServer> replicas = shards.replicas(redis);
            try (RedisClient c = master.client()) {
                for (int i = 0; i < 500; i++) {
                    c.call("SET", "k" + i, "v" + i);
                }
            }
            final Cli synced = Cli.run("status", "-c", shards.config.toString(), "--wait-synced", "--timeout", "30s");
            assertEquals(0, synced.exit(), synced.out() + synced.err());
            assertTrue(synced.out().contains("shard s0: in sync") && synced.out().contains("shard s1: in sync"), synced.out());
            // the router's own view in INFO and /metrics: every replica acknowledged the journal's end
            io.redisreplica.testkit.Await.until("INFO to say both shards are in sync", () -> {
                try (RedisClient c = new RedisClient("127.0.0.1", admin)) {
                    final String info = c.callString("INFO", "shards");
                    return info.contains("shard_s0:") && info.lines().filter(l -> l.matches("shard_s[01]:.*,in_sync=1,.*")).count() == 2;
                }
            }, 20_000);

            final int frozen = 1;
            replicas.get(frozen).pause();
            try {
                try (RedisClient c = master.client()) {
                    for (int i = 0; i < 500; i++) {
                        c.call("SET", "again" + i, "v" + i);
                    }
                }
                final Cli behind = Cli.run("status", "-c", shards.config.toString(), "--wait-synced", "--timeout", "3s", "-s", "s1");
                assertEquals(1, behind.exit(), behind.out() + behind.err());
                assertTrue(behind.out().contains("shard s1: not in sync: replica") && behind.out().contains("acknowledged"), behind.out());
                final Cli other = Cli.run("status", "-c", shards.config.toString(), "--wait-synced", "--timeout", "30s", "-s", "s0",
                    "--json");
                assertEquals(0, other.exit(), other.out() + other.err());
                assertTrue(other.out().contains("\"name\":\"s0\",\"journal_end\":") && other.out().contains("\"in_sync\":true"), other.out());
                assertTrue(JsonParsing.parse(other.out()).get("shards").get(0).get("replicas").get(0).get("acked").isNumber(), other.out());
                final Cli look = Cli.run("status", "-c", shards.config.toString());
                assertEquals(0, look.exit(), "without --wait-synced it reports and exits 0: " + look.out());
            } finally {
                replicas.get(frozen).resume();
            }
            final Cli after = Cli.run("status", "-c", shards.config.toString(), "--wait-synced", "--timeout", "30s");
            assertEquals(0, after.exit(), after.out() + after.err());
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }

    @Test
    void shouldExitFourWhenTheAdminPortCannotBeReached() throws Exception {
        final RedisServer master = redis.start();
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        shards.admin();
        final Cli cli = Cli.run("status", "-c", shards.config.toString());
        assertEquals(4, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.err().contains("the router's admin port at 127.0.0.1:"), cli.err());
    }
}
