package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.SentinelGroup;

/**
 * The tools with a config whose master is named by sentinels ({@code upstream-sentinel}, no
 * {@code upstream} line): {@code status} and {@code compare} reach the master the sentinels name,
 * not the default 127.0.0.1:6379.
 */
class SentinelToolsIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldReachTheMasterTheSentinelsName() throws Exception {
        final RedisServer master = redis.start();
        final SentinelGroup sentinels = SentinelGroup.start(redis, "m", master, 1);
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        Files.writeString(shards.config, Files.readString(shards.config)
            .replace("upstream 127.0.0.1:" + master.port(), "upstream-sentinel m " + sentinels.addresses()));
        shards.admin();
        final RouterProcess routers = new RouterProcess(dir);
        final Process router = routers.start(shards.config);
        try {
            final List<RedisServer> replicas = shards.replicas(redis);
            try (RedisClient c = master.client()) {
                for (int i = 0; i < 200; i++) {
                    c.call("SET", "k" + i, "v" + i);
                }
            }
            final Cli status = Cli.run("status", "-c", shards.config.toString(), "--wait-synced", "--timeout", "30s");
            assertEquals(0, status.exit(), status.out() + status.err());
            final Cli compare = Cli.run("compare", "-c", shards.config.toString(), "-s", "s0=127.0.0.1:" + replicas.get(0).port(), "-s",
                "s1=127.0.0.1:" + replicas.get(1).port(), "--quiet");
            assertEquals(0, compare.exit(), compare.out() + compare.err());
            assertTrue(compare.out().contains("200"), compare.out());
            assertTrue(Files.readString(routers.log(0)).contains("master m (as its sentinels name it"), Files.readString(routers.log(0)));
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }
}
