package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

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
 * "Nothing buffers a whole key on the heap", proved with a router JVM of {@code -Xmx64m} (and
 * {@code ExitOnOutOfMemoryError}): a 300 MB SET and a 100 MB transaction from the master reach
 * the shard replicas exactly, held in spill files and the journal, never on the heap. Before the
 * spill buffers the read buffer alone needed the command's length of heap.
 */
class BoundedHeapIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldRouteA300MBSetAndA100MBTransactionThroughARouterOf64MBHeap() throws Exception {
        // no output buffer limit for replicas: a 300 MB command is past the default hard limit of 256 MB, and a
        // direct replica would be cut off by it as well
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("client-output-buffer-limit", "replica 0 0 0"));
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        final RouterProcess routers = new RouterProcess(dir).heap("-Xmx64m");
        final Process router = routers.start(shards.config);
        try {
            final List<RedisServer> replicas = shards.replicas(redis);
            final byte[] chunk = new byte[10 * 1024];
            new Random(7).nextBytes(chunk);
            try (RedisClient c = master.client()) {
                // made on the master by a script, so the test JVM never holds them either; Redis 7 replicates
                // the script's effects: one SET of 300 MB, then a MULTI/EXEC of 10 000 SETs of 10 KB (100 MB)
                // to one shard and 100 to the other
                c.call("EVAL", "return redis.call('SET', KEYS[1], string.rep(ARGV[1], tonumber(ARGV[2])))", 1, "big:300",
                    new byte[1024], 300 * 1024);
                c.call("EVAL", "for i = 1, tonumber(ARGV[2]) do redis.call('SET', 'tx:{a}:' .. i, ARGV[1]) end "
                    + "for i = 1, 100 do redis.call('SET', 'tx:{b}:' .. i, ARGV[1]) end return 1", 0, chunk, 10_000);
                c.call("SET", "marker:{a}", "done");
                c.call("SET", "marker:{b}", "done");
            }
            for (String marker : List.of("marker:{a}", "marker:{b}")) {
                // a marker on each shard: one shard's replica having its marker says nothing of the other's
                final RedisServer shard = replicas.get(TwoSlotShards.shardOf(marker.getBytes()));
                Await.until(marker + " after the big SET and transaction on its shard", () -> {
                    try (RedisClient c = shard.client()) {
                        return "done".equals(c.callString("GET", marker));
                    }
                }, 180_000);
            }
            try {
                DatasetComparison.of(master, replicas, TwoSlotShards::shardOf).awaitEqual("after the big SET and transaction", 60_000);
            } catch (AssertionError e) {
                final java.util.regex.Matcher m = java.util.regex.Pattern.compile("key \"([^\"]+)\"").matcher(e.getMessage());
                final StringBuilder probe = new StringBuilder();
                if (m.find()) {
                    for (RedisServer s : List.of(master, replicas.get(0), replicas.get(1))) {
                        try (RedisClient c = s.client()) {
                            probe.append(s.port()).append(": exists ").append(m.group(1)).append('=').append(c.callLong("EXISTS", m.group(1)))
                                .append(" dbsize=").append(c.callLong("DBSIZE")).append('\n');
                        }
                    }
                }
                throw new AssertionError(e.getMessage() + "\n" + probe + "\nshard replicas' logs:\n" + replicas.get(0).logTail(30) + "\n"
                    + replicas.get(1).logTail(30) + "\nrouter log:\n" + Files.readString(routers.log(0)), e);
            }
            assertTrue(router.isAlive(), "the router still runs:\n" + Files.readString(routers.log(0)));
            final String log = Files.readString(routers.log(0));
            assertFalse(log.contains("OutOfMemoryError"), log);
            assertEquals(1, log.lines().filter(l -> l.contains("UpstreamLink") && l.contains("-> FULL_SYNC")).count(), "one full sync, at the start: " + log);
            try (var spill = Files.list(dir.resolve("journal").resolve("spill"))) {
                assertTrue(spill.findAny().isEmpty(), "spill files are unlinked: none is left behind");
            }
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }
}
