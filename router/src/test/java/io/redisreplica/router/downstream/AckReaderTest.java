package io.redisreplica.router.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.DistinctErrors;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.testkit.Await;

/** The ACK reader over a loopback connection, against a shard journal of three entries. */
class AckReaderTest {
    @TempDir
    Path dir;

    private Journal journal;
    private ShardRuntime shard;
    private long end;
    private Socket replica;
    private Socket session;
    private final DistinctErrors readErrors = new DistinctErrors(LoggerFactory.getLogger(AckReaderTest.class), "test");
    private AckReader acks;

    @BeforeEach
    void open() throws IOException {
        journal = Journal.open(new JournalContext().dir(dir.resolve("journal")).rollCycle(JournalContext.Roll.SECONDLY).minFreeBytes(0));
        final ShardJournal sj = journal.shard("s0");
        shard = new ShardRuntime(new ShardMap.Shard(0, "s0", "127.0.0.1", 0, null), sj, sj.writer(0), dir, null);
        for (int i = 0; i < 3; i++) {
            shard.writer().append(100 + i, 0, 0, "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        end = shard.commit();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            replica = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            session = server.accept();
        }
    }

    @AfterEach
    void close() throws IOException {
        if (acks != null) {
            acks.close();
        }
        replica.close();
        session.close();
        journal.close();
    }

    private void start(String rest, long stallTimeoutMillis) throws IOException {
        acks = new AckReader(shard, "replica", session, session.getInputStream(), rest.getBytes(StandardCharsets.US_ASCII), () -> end,
            stallTimeoutMillis, ErrorHandler.recording(), readErrors);
        acks.start();
    }

    private void send(String s) throws IOException {
        final OutputStream out = replica.getOutputStream();
        out.write(s.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String ack(long offset) {
        final String o = Long.toString(offset);
        return "*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$" + o.length() + "\r\n" + o + "\r\n";
    }

    @Test
    void shouldPublishTheAckThatArrivedWithThePsyncBeforeItStarted() throws IOException {
        start(ack(14), 60_000);
        Await.until("the first ACK published", () -> acks.ackedOffset() == 14);
    }

    @Test
    void shouldIgnoreAndCountAcksOutsideWhatWasSent() throws IOException {
        start("", 60_000);
        send(ack(-1) + ack(end + 100) + ack(end));
        Await.until("the good ACK published", () -> acks.ackedOffset() == end);
        assertEquals(2, acks.badAcks());
    }

    @Test
    void shouldShowAStallWhileBehindWithoutAckProgressAndClearItOnTheNextAck() throws IOException {
        start(ack(14), 200);
        Await.until("stalled", acks::stalled);
        send(ack(end));
        Await.until("acknowledging again", () -> !acks.stalled());
        assertEquals(end, acks.ackedOffset());
    }

    @Test
    void shouldRecordAFailedReadOnceAndCloseTheSessionsSocket() throws IOException {
        start("", 60_000);
        replica.setSoLinger(true, 0);
        replica.close(); // a reset, not an orderly close
        Await.until("the reader ended", () -> !acks.running());
        assertEquals(1, readErrors.total());
        assertTrue(session.isClosed(), "the session's stream ends with it");
    }

    @Test
    void shouldEndQuietlyWhenTheReplicaClosesTheLink() throws IOException {
        start("", 60_000);
        replica.close();
        Await.until("the reader ended", () -> !acks.running());
        assertEquals(0, readErrors.total());
        assertTrue(session.isClosed());
    }

    @Test
    void shouldNotCountItsOwnCloseAsAFailure() throws IOException {
        start("", 60_000);
        Await.until("running", acks::running);
        acks.close();
        assertFalse(acks.running(), "close joined it");
        assertEquals(0, readErrors.total());
    }
}
