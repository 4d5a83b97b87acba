package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
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
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Issue 12 point 1: a journal directory that refuses writes (here made immutable with chattr,
 * which binds root too; a file system remounted read-only cannot be, while the journal maps its
 * files) makes the checkpoint fail; the link retries quietly and resumes by itself when the
 * directory takes writes again, with nothing lost or repeated and no new full sync.
 */
class JournalReadOnlyIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private Path immutable;

    @AfterEach
    void release() throws Exception {
        if (immutable != null) {
            run("chattr", "-i", immutable.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @Test
    void shouldRetryACheckpointTheDirectoryRefusesAndResumeByItselfWhenItTakesWritesAgain() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "64mb"));
        final int port = FreePort.find();
        final int httpPort = FreePort.find();
        final Path journal = dir.resolve("journal");
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + journal
            + "\nadmin-http 127.0.0.1:" + httpPort + "\nshard a 127.0.0.1:" + port + " regex=.\n", "test");
        try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port));
            replica.awaitReplicaInSync(20_000);
            Assumptions.assumeTrue(run("chattr", "+i", journal.toString()) == 0, "chattr +i needs root and ext2/3/4 or xfs");
            immutable = journal;
            for (int i = 0; i < 2000; i++) {
                master.call("INCR", "counter:" + (i % 10));
                master.call("RPUSH", "seq", i);
            }
            Await.until("the checkpoint to fail", () -> router.upstream().retriedFaults() >= 1, 20_000);
            assertTrue(router.upstream().lastError().contains("checkpoint"), router.upstream().lastError());
            assertTrue(router.upstream().checkpointFailures() >= 1);
            final java.util.regex.Matcher failures = java.util.regex.Pattern
                .compile("(?m)^redis_replica_checkpoint_write_failures_total (\\S+)$").matcher(get(httpPort, "/metrics"));
            assertTrue(failures.find() && Double.parseDouble(failures.group(1)) >= 1, "the failed checkpoints in /metrics");
            final String notReady = ready(httpPort);
            assertTrue(notReady.startsWith("503 ") && notReady.contains("shard a: journal not writable"), notReady);
            Thread.sleep(1000);
            assertEquals(0, run("chattr", "-i", journal.toString()));
            immutable = null;
            for (int i = 0; i < 100; i++) {
                master.call("INCR", "counter:" + (i % 10));
            }
            DatasetComparison.of(master, List.of(replica), key -> 0).awaitEqual("after the directory took writes again", 30_000);
            Await.until("the link to stream again", () -> router.upstream().state() == UpstreamLink.State.STREAMING, 20_000);
            assertEquals(1, router.upstream().fullSyncs(), "no new full sync: the link continued with PSYNC");
            Await.until("ready again", () -> ready(httpPort).startsWith("200 "), 20_000);
        }
    }

    /** /ready's status code and body. */
    private static String ready(int port) {
        return get(port, "/ready");
    }

    /** The status code and body of a GET of the admin HTTP port. */
    private static String get(int port, String path) {
        try {
            final java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
