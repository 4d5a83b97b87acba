package io.redisreplica.router;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
 * Issue 11 point 7: a 6.2 master replicates EXPIRE, SETEX, SET EX and their kin with relative
 * times. A shard replica that attaches later must still get the master's expiry, not one that
 * starts counting when the replica applies the journal.
 */
class LateReplicaTtlIntegrationTest {
    private static final long ATTACH_DELAY_MS = 5_000;

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldGiveAReplicaThatAttachesLaterTheMastersTtlNotOneThatStartsWhenItAttaches() throws Exception {
        final RedisBinary binary = RedisBinary.bundled("6.2.7");
        final RedisServer master = redis.start(binary);
        final int port = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + port + " slots=0-16383\n", "ttl");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("the router to stream from the master", () -> router.upstream().state() == UpstreamLink.State.STREAMING, 30_000);
            try (RedisClient c = master.client()) {
                c.call("SET", "expire", "v");
                c.call("EXPIRE", "expire", 1000);
                c.call("SET", "pexpire", "v");
                c.call("PEXPIRE", "pexpire", 1_000_000);
                c.call("SETEX", "setex", 1000, "v");
                c.call("PSETEX", "psetex", 1_000_000, "v");
                c.call("SET", "set-ex", "v", "EX", 1000);
                c.call("SET", "set-px", "v", "PX", 1_000_000);
                c.call("SET", "getex", "v");
                c.call("GETEX", "getex", "EX", 1000);
                c.call("RESTORE", "restore", 1_000_000, c.call("DUMP", "expire"));
                c.call("MULTI");
                c.call("SET", "in-multi", "v");
                c.call("EXPIRE", "in-multi", 1000);
                c.call("EXEC");
                c.call("EVAL", "redis.call('SET', KEYS[1], 'v'); return redis.call('EXPIRE', KEYS[1], 1000)", 1, "in-script");
            }
            Thread.sleep(ATTACH_DELAY_MS);
            final RedisServer replica = redis.start(binary, Map.of("replicaof", "127.0.0.1 " + port));
            replica.awaitReplicaInSync(30_000);
            DatasetComparison.of(master, List.of(replica), key -> 0).ttlTolerance(1_000)
                .awaitEqual("a replica attached " + ATTACH_DELAY_MS + " ms after the expiries were set", 5_000);
        }
    }
}
