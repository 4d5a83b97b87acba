package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CommandSpec;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** What a router restart must carry over from its checkpoint besides the offset. */
class RouterResumeIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldKeepWritingIntoTheMastersSelectedDbAfterAPartialResyncThatRepeatsNoSelect() {
        final RedisServer master = redis.start();
        final int port = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + port + " regex=^a\n", "test");
        final RedisServer replica;
        try (RedisClient writer = master.client()) {
            writer.call("SELECT", 3);
            try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
                replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port));
                replica.awaitReplicaInSync(20_000);
                writer.call("SET", "a1", "before");
                Await.until("a1 in db 3", () -> "before".equals(get(replica, 3, "a1")));
                Await.until("the checkpoint to cover a1", () -> router.upstream().offset() >= master.replicationOffset());
            }
            writer.call("SET", "a2", "while-down"); // the master's stream holds no new SELECT: it is still at db 3
            try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
                Await.until("the router to resume", () -> router.upstream().state() == UpstreamLink.State.STREAMING);
                assertEquals(0, router.upstream().fullSyncs(), "a partial resync");
                assertEquals(CommandSpec.Search.KEY_SPECS, router.upstream().router().table().lookup("getrange").search(),
                    "the master's COMMAND table is learned before the stream after a partial resync too");
                writer.call("SET", "a3", "after");
                Await.until("a3 in db 3", () -> "after".equals(get(replica, 3, "a3")));
                assertEquals("while-down", get(replica, 3, "a2"));
                try (RedisClient c = replica.client()) {
                    assertEquals(0L, c.callLong("DBSIZE"), "nothing in db 0");
                }
            }
        }
    }

    private static String get(RedisServer server, int db, String key) {
        try (RedisClient c = server.client()) {
            c.call("SELECT", db);
            final Object v = c.call("GET", key);
            return v == null ? null : new String((byte[]) v, java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
