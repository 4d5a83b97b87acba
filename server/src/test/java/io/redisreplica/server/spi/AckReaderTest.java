package io.redisreplica.server.spi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.redisreplica.testkit.Await;

/** The ACK reader over a loopback connection, with 42 bytes sent of a stream that ends there. */
class AckReaderTest {
    private static final long END = 42;

    private Socket replica;
    private Socket session;
    private final List<Exception> readFailures = new CopyOnWriteArrayList<>();
    private final AtomicLong lastSample = new AtomicLong(-1);
    private final AckReader.Listener listener = new AckReader.Listener() {
        @Override
        public void sampled(long ackedOffset) {
            lastSample.set(ackedOffset);
        }

        @Override
        public void readFailed(String what, Exception error) {
            readFailures.add(error);
        }
    };
    private AckReader acks;

    @BeforeEach
    void open() throws IOException {
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
    }

    private AckReader reader(String rest) throws IOException {
        acks = new AckReader("acks-test", (where, e) -> { }, "replica test", session, session.getInputStream(),
            rest.getBytes(StandardCharsets.US_ASCII), () -> END, () -> END).listener(listener);
        return acks;
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
    void shouldPublishTheAckThatArrivedWithThePsyncBeforeItStarted() throws Exception {
        reader(ack(14)).start();
        assertTrue(acks.awaitFirstAck(30_000), "the first ACK came");
        assertEquals(14, acks.ackedOffset());
        Await.until("sampled at the acknowledged offset", () -> lastSample.get() == 14);
    }

    @Test
    void shouldIgnoreAndCountAcksOutsideWhatWasSent() throws IOException {
        reader("").start();
        send(ack(-1) + ack(END + 100) + ack(END));
        Await.until("the good ACK published", () -> acks.ackedOffset() == END);
        assertEquals(2, acks.badAcks());
    }

    @Test
    void shouldShowAStallWhileBehindWithoutAckProgressAndClearItOnTheNextAck() throws IOException {
        reader(ack(14)).stallMillis(200).start();
        Await.until("stalled", acks::stalled);
        send(ack(END));
        Await.until("acknowledging again", () -> !acks.stalled());
        assertEquals(END, acks.ackedOffset());
    }

    @Test
    void shouldNotShowAStallBeforeTheFirstAckByDefault() {
        // silent (a replica still loading its snapshot) far past the stall time, until its repl-timeout ends the reader
        assertDoesNotThrow(() -> reader("").stallMillis(50).replTimeoutMillis(500).start());
        Await.until("the reader ended", () -> !acks.running());
        assertFalse(acks.stalled(), "never PAUSED before its first ACK");
        assertEquals(-1, lastSample.get(), "nothing to sample before an ACK");
    }

    @Test
    void shouldShowAStallBeforeTheFirstAckWhenAskedTo() throws IOException {
        reader("").stallMillis(200).stallBeforeFirstAck(0).start();
        Await.until("stalled without a single ACK", acks::stalled);
        send(ack(END));
        Await.until("acknowledging", () -> !acks.stalled());
    }

    @Test
    void shouldDisconnectAReplicaSilentForTheReplTimeout() throws IOException {
        reader("").replTimeoutMillis(300).start();
        Await.until("the reader ended", () -> !acks.running());
        assertTrue(session.isClosed(), "the session's stream ends with it");
        assertEquals(List.of(), readFailures, "a timeout is no read failure");
    }

    @Test
    void shouldReportAFailedReadAndCloseTheSessionsSocket() throws IOException {
        reader("").start();
        replica.setSoLinger(true, 0);
        replica.close(); // a reset, not an orderly close
        Await.until("the reader ended", () -> !acks.running());
        assertEquals(1, readFailures.size());
        assertTrue(session.isClosed(), "the session's stream ends with it");
    }

    @Test
    void shouldEndQuietlyWhenTheReplicaClosesTheLink() throws Exception {
        reader("").start();
        replica.close();
        Await.until("the reader ended", () -> !acks.running());
        assertEquals(List.of(), readFailures);
        assertTrue(session.isClosed());
        assertTrue(acks.awaitFirstAck(0), "a session waiting for the first ACK sees the link gone");
    }

    @Test
    void shouldNotCountItsOwnCloseAsAFailure() throws IOException {
        reader("").start();
        Await.until("running", acks::running);
        acks.close();
        assertFalse(acks.running(), "close joined it");
        assertEquals(List.of(), readFailures);
    }
}
