package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisServers;

/**
 * A scripted master that misbehaves (issue 12 points 2 and 11): a handshake reply that never ends
 * costs a bounded amount of memory and is retried; a text line in the command stream is never
 * journaled and stops the link with a reason.
 */
class FakeMasterIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private static String readCommand(InputStream in) throws IOException {
        return FakeMaster.readCommand(in);
    }

    private static void handshake(InputStream in, OutputStream out, byte[] rdb) throws IOException {
        FakeMaster.handshake(in, out, rdb);
    }

    private byte[] emptyRdb() throws IOException {
        return Files.readAllBytes(redis.start().save());
    }

    @Test
    void shouldNeverJournalATextLineFromTheMasterAndStopTheLinkSayingWhere() throws Exception {
        final byte[] rdb = emptyRdb();
        try (FakeMaster master = new FakeMaster((in, out, n) -> {
            handshake(in, out, rdb);
            out.write("*3\r\n$3\r\nSET\r\n$2\r\na1\r\n$1\r\nv\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write("this is not RESP\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in.read(); // hold the connection until the router hangs up
        })) {
            final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
                + "\nshard a 127.0.0.1:" + FreePort.find() + " regex=^a\n", "test");
            try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
                Await.until("the link to stop on the text line", () -> router.upstream().failure() != null, 20_000);
                assertTrue(router.upstream().failure().contains("text line") && router.upstream().failure().contains("offset"),
                    router.upstream().failure());
                // the SET is 28 bytes: the link stops, and checkpoints, at its end, before the line, so a restart meets the
                // line again instead of skipping it
                assertTrue(router.upstream().failure().contains("at offset 28:"), router.upstream().failure());
                Await.until("the checkpoint at the SET's end", () -> router.upstream().offset() == 28, 5_000);
            }
            // the router stopped itself on that fatal error: read its journal as a restart would
            try (io.redisreplica.journal.Journal journal = io.redisreplica.journal.Journal.open(config.journalContext())) {
                assertEquals(28, journal.checkpoint().upstreamOffset(), "checkpointed before the line");
                final StringBuilder journaled = new StringBuilder();
                try (JournalReader reader = journal.shard("a").reader()) {
                    final JournalEntry entry = new JournalEntry();
                    while (reader.next(entry)) {
                        final byte[] bytes = new byte[entry.payloadLength()];
                        entry.payload().getBytes(entry.payloadOffset(), bytes);
                        journaled.append(new String(bytes, StandardCharsets.ISO_8859_1));
                    }
                }
                assertTrue(journaled.toString().contains("a1"), "what came before it stands: " + journaled);
                assertTrue(!journaled.toString().contains("not RESP"), journaled.toString());
            }
        }
    }

    @Test
    void shouldRetryAHandshakeReplyThatNeverEndsWithoutRunningOutOfMemory() throws Exception {
        try (FakeMaster master = new FakeMaster((in, out, n) -> {
            readCommand(in);
            out.write('+');
            final byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            for (int i = 0; i < 16 * 200; i++) { // 200 MB of one line, unless the router hangs up first
                out.write(chunk);
            }
        })) {
            final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
                + "\nshard a 127.0.0.1:" + FreePort.find() + " regex=^a\n", "test");
            try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
                Await.until("two attempts, each given up", () -> master.connections.get() >= 2 && router.upstream().retriedFaults() >= 2, 20_000);
                assertNull(router.upstream().failure(), "a fault to retry, not to stop on");
                assertTrue(router.upstream().lastError().contains("longer than"), router.upstream().lastError());
            }
        }
    }
}
