package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisCluster;
import io.redisreplica.testkit.RedisServers;

/**
 * {@code compare} reading a Redis Cluster whose slot moves while it runs (after it learnt the slot
 * map): every key of the slot is read where it is now, with the value it had before the move, so
 * none is reported lost; a migration under way (ASK) is waited out.
 */
class CompareClusterIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    /** Keys of one slot ({m}: a hash tag), strings and lists, and keys of other slots beside them. */
    private static List<byte[]> fill(RedisCluster cluster) {
        final List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add(("{m}s:" + i).getBytes(StandardCharsets.US_ASCII));
            keys.add(("{m}l:" + i).getBytes(StandardCharsets.US_ASCII));
            keys.add(("other:" + i).getBytes(StandardCharsets.US_ASCII));
        }
        for (byte[] k : keys) {
            final String key = new String(k, StandardCharsets.US_ASCII);
            if (key.contains("l:")) {
                cluster.nodes().get(cluster.nodeOf(k)).call("RPUSH", key, "a", "b", key);
            } else {
                cluster.nodes().get(cluster.nodeOf(k)).call("SET", key, "value of " + key, "PX", "3600000");
            }
        }
        return keys;
    }

    private static CompareCluster compared(RedisCluster cluster) throws Exception {
        return new CompareCluster(RedisConnections.open("127.0.0.1", cluster.nodes().get(0).port(), null, null, "cluster", false), // the slot map as text
            (host, port) -> RedisConnections.open(host, port, null, null, "cluster node", true), "cluster");
    }

    /** The readings without their TTLs (they count down between two reads). */
    private static List<String> values(List<KeyDigest.Reading> readings) {
        return readings.stream().map(r -> r.type() + " " + r.digest() + " " + (r.pttl() > 0 ? "ttl" : r.pttl())).toList();
    }

    @Test
    void shouldReadAKeyOfASlotMovedAfterTheCompareLearntTheSlotMapOnItsNewNode() throws Exception {
        final RedisCluster cluster = RedisCluster.start(redis, 3);
        final List<byte[]> keys = fill(cluster);
        final int slot = RedisCluster.slot("{m}".getBytes(StandardCharsets.US_ASCII));
        try (CompareCluster target = compared(cluster)) {
            final List<String> before = values(target.read(0, keys));
            assertTrue(before.stream().noneMatch(v -> v.startsWith("none")), before.toString());
            cluster.migrate(slot, (cluster.nodeOfSlot(slot) + 1) % 3); // the compare's slot map is stale: MOVED
            assertEquals(before, values(target.read(0, keys)), "every key read where it is now");
            final boolean[] exist = target.exist(0, keys);
            for (int i = 0; i < exist.length; i++) {
                assertTrue(exist[i], new String(keys.get(i), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void shouldWaitOutASlotMigrationUnderWayAndReadTheKeysWhereItEnds() throws Exception {
        final RedisCluster cluster = RedisCluster.start(redis, 3);
        final List<byte[]> keys = fill(cluster);
        final int slot = RedisCluster.slot("{m}".getBytes(StandardCharsets.US_ASCII));
        final int to = (cluster.nodeOfSlot(slot) + 1) % 3;
        try (CompareCluster target = compared(cluster)) {
            final List<String> before = values(target.read(0, keys));
            cluster.startMigration(slot, to, 30); // 30 of the slot's 80 keys moved: the old node answers ASK for them
            final AtomicReference<Object> read = new AtomicReference<>();
            final Thread reader = new Thread(() -> {
                try {
                    read.set(values(target.read(0, keys)));
                } catch (Exception e) {
                    read.set(e);
                }
            }, "compare-read");
            reader.start();
            Await.until("the read waits for the migration", () -> reader.getState() == Thread.State.TIMED_WAITING);
            cluster.finishMigration(slot, to);
            reader.join();
            assertEquals(before, read.get(), "every key read where the migration put it");
        }
    }
}
