package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * The journal does not grow without bound: past its size limit, files go even though the
 * snapshot still needs them; the router then takes a new snapshot with a full sync of the master,
 * and the shard replica, which fell behind, resyncs from it and ends equal to the master.
 */
class RouterRetentionIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldDeleteOldJournalFilesAndTakeANewSnapshotWhenTheOldOneFellBehind() throws Exception {
        final RedisServer master = redis.start();
        final int port = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\njournal-roll secondly\njournal-max-bytes 1\nretention-interval 300ms\nshard a 127.0.0.1:" + port + " prefix=k\n", "test");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port));
            replica.awaitReplicaInSync(20_000);
            final long end = System.currentTimeMillis() + 4_000;
            int i = 0;
            try (RedisClient c = master.client()) {
                while (System.currentTimeMillis() < end) {
                    c.call("SET", "k" + (i % 500), "v" + i);
                    i++;
                }
            }
            final long deadline = System.currentTimeMillis() + 30_000;
            while ((router.upstream().fullSyncs() < 2 || !same(master, replica)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(router.retentionDeleted() > 0, "journal files were deleted");
            assertTrue(router.upstream().fullSyncs() >= 2, "a new snapshot was taken: " + router.upstream().fullSyncs());
            DatasetComparison.of(master, List.of(replica), key -> 0).assertEqual("the replica after the new snapshot");
            try (Stream<Path> files = Files.list(dir.resolve("journal/a"))) {
                final long cq4 = files.filter(p -> p.toString().endsWith(".cq4")).count();
                assertTrue(cq4 <= 3, "journal files stay few: " + cq4);
            }
        }
    }

    private static boolean same(RedisServer master, RedisServer replica) {
        return DatasetComparison.of(master, List.of(replica), key -> 0).differences().isEmpty();
    }
}
