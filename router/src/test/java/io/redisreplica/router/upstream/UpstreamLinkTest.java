package io.redisreplica.router.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.shard.ShardFingerprint;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.testkit.Await;

/**
 * The upstream link's state machine against a scripted master over in-memory streams: full and
 * partial sync, the legacy SYNC, and the faults it retries (an error reply, a line that never
 * ends, a connection closed mid-command) apart from the one it stops on (a text line in the stream).
 */
class UpstreamLinkTest {
    private static final String REPLID = "8d1c7a4e5b6f70819283a4b5c6d7e8f901234567";
    /** ROLE as a master before 2.8.12 answers it: nothing to check (the integration tests check ROLE with real nodes). */
    private static final String ROLE_MASTER = "-ERR unknown command 'ROLE'\r\n";
    /** PONG, ROLE, and the two REPLCONFs' OK. */
    private static final String HANDSHAKE = "+PONG\r\n" + ROLE_MASTER + "+OK\r\n+OK\r\n";
    private static final String SET_A2 = "*3\r\n$3\r\nSET\r\n$3\r\na:2\r\n$1\r\n2\r\n";
    private static final String SET_B2 = "*3\r\n$3\r\nSET\r\n$3\r\nb:2\r\n$1\r\n3\r\n";

    @TempDir
    Path dir;

    private final ErrorHandler errors = ErrorHandler.recording();
    private Journal journal;
    private List<ShardRuntime> shards;
    private UpstreamLink link;

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
        }
        if (journal != null) {
            journal.close();
        }
    }

    private UpstreamLink start(ScriptedMaster master) throws Exception {
        // port 1 refuses at once: the COMMAND table and the side connection fall back without a real master
        return start(master, 1);
    }

    /** @param sidePort where the link reads the COMMAND table (its replication connection is {@code master}'s) */
    private UpstreamLink start(ScriptedMaster master, int sidePort) throws Exception {
        final RouterConfig config = io.redisreplica.router.config.ConfigParser.parse("upstream 127.0.0.1:" + sidePort + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:7001 regex=^a\nshard b 127.0.0.1:7002 regex=^b\n", "test");
        journal = Journal.open(config.journalContext());
        final Path snapshots = Files.createDirectories(config.journalDir().resolve("snapshots"));
        final Map<String, String> fingerprints = ShardFingerprint.of(config);
        shards = new ArrayList<>();
        for (ShardMap.Shard s : config.shardMap().shards()) {
            final ShardJournal sj = journal.shard(s.name());
            final ShardRuntime runtime = new ShardRuntime(s, sj, sj.writer(0), snapshots, null);
            runtime.fingerprint(fingerprints.get(s.name()));
            runtime.awaitSnapshot(null, 0, "first_sync");
            shards.add(runtime);
        }
        link = new UpstreamLink(config, null, journal, shards, snapshots, CrossShardPolicy.LOG, cp -> { }, errors, master);
        link.start();
        return link;
    }

    private static byte[] bytes(String... parts) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String p : parts) {
            out.write(p.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    /** A disk-based RDB transfer ({@code $length} then the file) with a:1 and b:1. */
    private static String rdbTransfer() {
        final ByteArrayOutputStream rdb = new ByteArrayOutputStream();
        final RdbWriter writer = new RdbWriter(rdb);
        writer.header(9);
        writer.selectDb(0);
        writer.stringEntry("a:1".getBytes(StandardCharsets.US_ASCII), "1".getBytes(StandardCharsets.US_ASCII), -1);
        writer.stringEntry("b:1".getBytes(StandardCharsets.US_ASCII), "1".getBytes(StandardCharsets.US_ASCII), -1);
        writer.finish();
        return "$" + rdb.size() + "\r\n" + rdb.toString(StandardCharsets.ISO_8859_1);
    }

    private static String fullResync() {
        return HANDSHAKE + "+FULLRESYNC " + REPLID + " 0\r\n" + rdbTransfer();
    }

    private static String ack(long offset) {
        final String digits = Long.toString(offset);
        return "*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$" + digits.length() + "\r\n" + digits + "\r\n";
    }

    @Test
    void shouldSplitAFullResyncIntoSnapshotsThenJournalAndAcknowledgeTheCommands() throws Exception {
        final ScriptedMaster master = new ScriptedMaster().then(bytes(fullResync(), SET_A2, SET_B2));
        start(master);
        final long end = SET_A2.length() + SET_B2.length();
        Await.until("both commands committed", () -> link.offset() == end);
        assertEquals(UpstreamLink.State.STREAMING, link.state());
        assertEquals(1, link.fullSyncs());
        assertEquals(REPLID, link.replid());
        for (ShardRuntime shard : shards) {
            assertTrue(Files.exists(shard.snapshot()), shard.name() + "'s snapshot");
            assertFalse(Files.exists(shard.snapshot().resolveSibling(shard.name() + ".rdb.tmp")), "no temporary file left");
        }
        assertEquals(SET_A2.length(), shards.get(0).journal().lastUpstreamOffset(), "a:2 journaled at its end offset in shard a");
        assertEquals(end, shards.get(1).journal().lastUpstreamOffset(), "b:2 in shard b");
        final String written = master.written(0);
        assertTrue(written.contains("*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n"), written);
        assertTrue(written.contains("*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n"), written);
        Await.until("the ACK of the journaled offset", () -> master.written(0).contains(ack(end)));
        Await.until("the checkpoint", () -> journal.checkpoint().upstreamOffset() == end);
        assertEquals(REPLID, journal.checkpoint().upstreamReplid());
        assertNull(link.failure());
    }

    @Test
    void shouldSyncWhileTheCommandTableIsReadAndRouteTheFirstCommandByIt() throws Exception {
        // a module's command the built-in table does not know (it would take a:3, the first argument, as the key):
        // the master's table says its key is the second argument
        final String modSet = "*3\r\n$9\r\nmymod.set\r\n$3\r\na:3\r\n$3\r\nb:3\r\n";
        try (ServerSocket side = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            start(new ScriptedMaster().then(bytes(fullResync(), modSet)), side.getLocalPort());
            try (Socket commands = side.accept()) {
                Await.until("the full sync done while COMMAND is unanswered", () -> shards.stream().allMatch(s -> s.snapshotOffset() >= 0));
                assertEquals(UpstreamLink.State.FULL_SYNC, link.state(), "nothing is routed before the table is learned");
                final ByteArrayOutputStream asked = new ByteArrayOutputStream();
                while (!asked.toString(StandardCharsets.ISO_8859_1).endsWith("COMMAND\r\n")) {
                    asked.write(commands.getInputStream().read());
                }
                commands.getOutputStream().write(bytes("*1\r\n*6\r\n$9\r\nmymod.set\r\n:3\r\n*1\r\n+write\r\n:2\r\n:2\r\n:1\r\n"));
                Await.until("the command journaled", () -> link.offset() == modSet.length());
            }
        }
        assertEquals(UpstreamLink.State.STREAMING, link.state());
        assertEquals(modSet.length(), shards.get(1).journal().lastUpstreamOffset(), "routed to shard b by its key b:3");
        assertEquals(0, link.router().unknown(), "routed by the master's table");
    }

    @Test
    void shouldEndAtOnceOnCloseWhileTheCommandTableIsUnanswered() throws Exception {
        try (ServerSocket side = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            start(new ScriptedMaster().then(bytes(fullResync(), SET_A2)), side.getLocalPort());
            try (Socket commands = side.accept()) {
                Await.until("the full sync done", () -> shards.stream().allMatch(s -> s.snapshotOffset() >= 0));
                link.close();
                assertFalse(link.running(), "the link's thread ended");
                assertEquals(UpstreamLink.State.STOPPED, link.state());
                assertEquals("*1\r\n$7\r\nCOMMAND\r\n", new String(commands.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1),
                    "COMMAND asked, then the connection closed");
            }
        }
        assertNull(link.failure());
    }

    @Test
    void shouldContinueFromTheJournaledOffsetAfterTheMasterClosedMidCommand() throws Exception {
        final String half = SET_B2.substring(0, 11);
        final ScriptedMaster master = new ScriptedMaster()
            .thenClose(bytes(fullResync(), SET_A2, half))
            .then(bytes(HANDSHAKE, "+CONTINUE " + REPLID + "\r\n", SET_B2));
        start(master);
        final long end = SET_A2.length() + SET_B2.length();
        Await.until("the command cut in half to come again whole", () -> link.offset() == end);
        assertEquals(1, link.fullSyncs());
        assertEquals(1, link.partialSyncs());
        assertEquals(2, master.connections());
        final String from = Long.toString(SET_A2.length() + 1);
        assertTrue(master.written(1).contains("$5\r\nPSYNC\r\n$40\r\n" + REPLID + "\r\n$" + from.length() + "\r\n" + from + "\r\n"),
            master.written(1));
        assertTrue(link.lastError().contains("master closed the connection at offset " + SET_A2.length()), link.lastError());
        assertEquals(1, link.retriedFaults());
        assertEquals(end, shards.get(1).journal().lastUpstreamOffset(), "b:2 journaled once, whole");
        assertEquals(UpstreamLink.State.STREAMING, link.state());
        assertNull(link.failure());
    }

    @Test
    void shouldRetryAnErrorReplyToPsyncOnANewConnection() throws Exception {
        final ScriptedMaster master = new ScriptedMaster()
            .then(bytes(HANDSHAKE, "-LOADING Redis is loading the dataset in memory\r\n"))
            .then(bytes(fullResync(), SET_A2));
        start(master);
        Await.until("streaming on the second connection", () -> link.offset() == SET_A2.length());
        assertEquals(2, master.connections());
        assertTrue(link.lastError().contains("master answered PSYNC with -LOADING Redis is loading"), link.lastError());
        assertEquals(UpstreamLink.State.STREAMING, link.state());
        assertNull(link.failure());
    }

    @Test
    void shouldGiveUpAHandshakeLineThatNeverEndsAndRetry() throws Exception {
        final char[] endless = new char[io.redisreplica.client.MasterHandshake.MAX_LINE + 10];
        Arrays.fill(endless, 'x');
        final ScriptedMaster master = new ScriptedMaster().then(bytes("+PONG\r\n", ROLE_MASTER, "+", new String(endless)));
        start(master);
        Await.until("the line given up", () -> link.retriedFaults() >= 1);
        assertTrue(link.lastError().contains("master answered REPLCONF with a line longer than 65536 bytes"), link.lastError());
        assertNotEquals(UpstreamLink.State.STOPPED, link.state(), "retried, not stopped");
        assertNull(link.failure());
    }

    @Test
    void shouldStopWithAFailureOnATextLineInTheStreamWithoutJournalingIt() throws Exception {
        final String line = "rm -rf /\r\n";
        final ScriptedMaster master = new ScriptedMaster().then(bytes(fullResync(), SET_A2, line, SET_B2));
        start(master);
        Await.until("the link to stop", () -> link.state() == UpstreamLink.State.STOPPED);
        // the offset named, and checkpointed, is the end of the last whole command: before the line, so a restart meets it again
        assertTrue(link.failure().contains("the master's stream cannot be read at offset " + SET_A2.length() + ":")
            && link.failure().contains("a text line where a command belongs"), link.failure());
        assertEquals(link.failure(), errors.failure(), "the link's failure is the error handler's");
        assertEquals(SET_A2.length(), shards.get(0).journal().lastUpstreamOffset(), "what came before the line stands");
        assertEquals(-1, shards.get(1).journal().lastUpstreamOffset(), "nothing after it journaled");
        assertEquals(1, master.connections(), "not retried");
        Await.until("the link's thread to end", () -> !link.running());
    }

    @Test
    void shouldFallBackToSyncForAMasterWithoutPsyncAndSendNoAcks() throws Exception {
        final ScriptedMaster master = new ScriptedMaster()
            .then(bytes(HANDSHAKE, "-ERR unknown command 'PSYNC'\r\n", rdbTransfer(), SET_A2));
        start(master);
        Await.until("a:2 journaled", () -> shards.get(0).journal().lastUpstreamOffset() == SET_A2.length());
        assertEquals(1, link.fullSyncs());
        assertEquals("?", link.replid());
        assertTrue(master.written(0).endsWith("*1\r\n$4\r\nSYNC\r\n"), master.written(0));
    }

    @Test
    void shouldEndItsThreadAndCheckpointOnClose() throws Exception {
        start(new ScriptedMaster().then(bytes(fullResync(), SET_A2)));
        Await.until("streaming", () -> link.offset() == SET_A2.length());
        link.close();
        assertFalse(link.running(), "close() joined the link's thread");
        assertEquals(UpstreamLink.State.STOPPED, link.state());
        assertEquals(SET_A2.length(), journal.checkpoint().upstreamOffset());
        assertNull(link.failure(), "a stop asked for is no failure");
    }

    @Test
    void shouldEndItsBackoffAtOnceOnClose() throws Exception {
        start(new ScriptedMaster()); // every connection refused
        Await.until("a refused connection retried", () -> link.retriedFaults() >= 2);
        final long started = System.nanoTime();
        link.close();
        assertFalse(link.running());
        assertTrue(System.nanoTime() - started < 2_000_000_000L, "close() did not wait out the backoff");
        assertEquals(UpstreamLink.State.STOPPED, link.state());
    }
}
