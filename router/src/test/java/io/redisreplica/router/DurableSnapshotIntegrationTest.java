package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * {@code journal-sync commit}: the full sync fsyncs each shard's snapshot before it is renamed into
 * place and the directory after. Neither the fsyncs nor a power loss can be observed here; what is
 * shown is that the durable path serves the same snapshots, the shards equal the master key for
 * key, and a restart continues from the checkpoint that names them.
 */
class DurableSnapshotIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldServeSnapshotsUnderJournalSyncCommitThatEqualTheMasterAndResumeFromThemAfterARestart() throws IOException {
        final RedisServer master = redis.start();
        try (RedisClient c = master.client()) {
            for (int db = 0; db < 2; db++) {
                c.call("SELECT", db);
                for (int i = 0; i < 2000; i++) {
                    c.call("SET", "a:" + i, "v" + i);
                    c.call("RPUSH", "b:list" + (i % 10), i);
                }
            }
        }
        final int portA = FreePort.find();
        final int portB = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\njournal-sync commit\nshard a 127.0.0.1:" + portA + " prefix=a:\nshard b 127.0.0.1:" + portB + " prefix=b:\n", "test");
        final RedisServer a;
        final RedisServer b;
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            a = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portA));
            b = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portB));
            a.awaitReplicaInSync(20_000);
            b.awaitReplicaInSync(20_000);
            master.call("INCR", "a:counter");
            master.call("LPUSH", "b:list0", "live");
            final DatasetComparison same = DatasetComparison.of(master, List.of(a, b), key -> key[0] == 'a' ? 0 : 1);
            same.awaitEqual("after the durable full sync and live writes", 30_000);
            assertEquals(1, router.upstream().fullSyncs());
            try (Stream<Path> files = Files.walk(dir.resolve("journal"))) {
                assertTrue(files.noneMatch(p -> p.toString().endsWith(".rdb.tmp")), "every snapshot was renamed into place");
            }
        }
        master.call("INCR", "a:counter");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("the router to resume", () -> router.upstream().state() == UpstreamLink.State.STREAMING);
            assertEquals(0, router.upstream().fullSyncs(), "PSYNC +CONTINUE from the checkpoint that names the snapshots");
            DatasetComparison.of(master, List.of(a, b), key -> key[0] == 'a' ? 0 : 1).awaitEqual("after the restart", 30_000);
        }
    }
}
