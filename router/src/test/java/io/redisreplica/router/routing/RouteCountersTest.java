package io.redisreplica.router.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.testkit.Await;

/** The routing counts as the admin port's threads read them: the status record the upstream thread publishes. */
class RouteCountersTest {
    /** An admin client's thread: it reads the counts, never routes. */
    private final ExecutorService admin = Executors.newSingleThreadExecutor(r -> new Thread(r, "admin-test"));
    private final CommandFramer framer = new CommandFramer();
    private final ExpandableArrayBuffer stream = new ExpandableArrayBuffer(256);
    private long streamPosition;

    @AfterEach
    void tearDown() throws InterruptedException {
        admin.shutdownNow();
        admin.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldShowTheAdminThreadTheCountsAsOfTheLastPublishAndNothingRoutedSince() {
        final RouterConfig config = ConfigParser.parse("shard a 127.0.0.1:1 regex=^a\nshard b 127.0.0.1:2 regex=^b\n", "t");
        final CommandRouter router = CommandRouter.builder(config.shardMap(), CrossShardPolicy.LOG,
            (shard, db, read, bytes, off, len) -> true).build();
        for (int i = 0; i < 10; i++) {
            route(router, "SET", (i % 2 == 0 ? "a" : "b") + i, "v");
        }
        route(router, "SET", "zz", "no shard claims it");
        route(router, "RENAME", "a1", "b1"); // keys on two shards: not forwarded under LOG
        assertEquals("0 0 0", onAdmin(router), "nothing published yet");

        router.publishCounts();
        Await.until("the admin thread to see the published counts", () -> onAdmin(router).equals("10 1 1"),
            10_000);

        route(router, "SET", "a-later", "v");
        route(router, "SET", "zz-later", "v");
        assertEquals("10 1 1", onAdmin(router), "what was routed since the publish is not shown yet");
        router.publishCounts();
        Await.until("the next publish to be seen", () -> onAdmin(router).equals("11 2 1"), 10_000);
    }

    /** Routed, unclaimed and cross-shard, as the admin thread reads them. */
    private String onAdmin(CommandRouter router) {
        try {
            return admin.submit(() -> counts(router)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the admin thread did not read the counts", e);
        }
    }

    /** Routed, unclaimed and cross-shard, read on the calling thread. */
    private static String counts(CommandRouter router) {
        return router.routed() + " " + router.unclaimed() + " " + router.crossShard();
    }

    private void route(CommandRouter router, String... args) {
        final int length = new RespWriter().wrap(stream, 0).command(args).length();
        framer.position(streamPosition);
        framer.frame(stream, 0, length);
        streamPosition += length;
        router.route(framer.command());
    }
}
