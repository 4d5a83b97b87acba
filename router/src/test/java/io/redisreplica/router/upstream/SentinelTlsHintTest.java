package io.redisreplica.router.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.testkit.FreePort;

/**
 * A sentinel asked in plain that fails the way a TLS-only port fails a plain client (Redis's
 * {@code tls-port} resets the connection at the first command; another TLS server may close it,
 * or answer bytes that are not RESP) is reported with a hint to set {@code upstream-sentinel-tls};
 * one that is not there at all is not. A one-connection socket stands in for the sentinel here;
 * {@code SentinelTlsIntegrationTest} proves the same against real TLS-only sentinels.
 */
class SentinelTlsHintTest {
    private static final String HINT = " (is the sentinel TLS-only? set upstream-sentinel-tls yes)";

    @TempDir
    Path dir;

    @Test
    void shouldHintAtUpstreamSentinelTlsWhenTheSentinelResetsTheConnectionAtTheFirstCommand() throws Exception {
        try (OneConnection sentinel = new OneConnection(null, true)) {
            final IOException e = assertThrows(IOException.class, () -> MasterLocator.current(config(sentinel.port())));
            assertEquals("no sentinel named the master m; 127.0.0.1:" + sentinel.port() + ": Connection reset" + HINT, e.getMessage());
        }
    }

    @Test
    void shouldHintAtUpstreamSentinelTlsWhenTheSentinelClosesTheConnectionAfterATlsAlert() throws Exception {
        // a TLS record: alert, fatal, protocol_version, as some TLS servers answer a hello they cannot read
        try (OneConnection sentinel = new OneConnection(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46}, false)) {
            final IOException e = assertThrows(IOException.class, () -> MasterLocator.current(config(sentinel.port())));
            assertEquals("no sentinel named the master m; 127.0.0.1:" + sentinel.port() + ": connection closed by sentinel 127.0.0.1:"
                + sentinel.port() + HINT, e.getMessage());
        }
    }

    @Test
    void shouldHintAtUpstreamSentinelTlsWhenTheSentinelAnswersWhatIsNotResp() throws Exception {
        try (OneConnection sentinel = new OneConnection("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false)) {
            final IOException e = assertThrows(IOException.class, () -> MasterLocator.current(config(sentinel.port())));
            final String said = "no sentinel named the master m; 127.0.0.1:" + sentinel.port() + ": sentinel 127.0.0.1:" + sentinel.port()
                + " sent what is not RESP: ";
            assertTrue(e.getMessage().startsWith(said) && e.getMessage().endsWith(HINT), e.getMessage()); // the decoder's words between

        }
    }

    @Test
    void shouldNotHintWhenNothingListensOnTheSentinelsPort() {
        final int port = FreePort.find();
        final IOException e = assertThrows(IOException.class, () -> MasterLocator.current(config(port)));
        assertEquals("no sentinel named the master m; 127.0.0.1:" + port + ": Connection refused", e.getMessage());
    }

    private RouterConfig config(int sentinelPort) {
        return ConfigParser.parse("upstream-sentinel m 127.0.0.1:" + sentinelPort + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\n", "sentinel-hint");
    }

    /**
     * Accepts one connection, reads the first bytes of its command, answers {@code reply} (or
     * nothing), and closes it: with a reset ({@code SO_LINGER} 0, as Redis's TLS port drops a
     * plain client) or an ordinary close.
     */
    private static final class OneConnection implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;

        OneConnection(byte[] reply, boolean reset) throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                try (Socket s = server.accept()) {
                    final InputStream in = s.getInputStream();
                    in.read(new byte[256]); // the command has arrived: a reset now is not lost before the client's read
                    if (reply != null) {
                        s.getOutputStream().write(reply);
                        s.getOutputStream().flush();
                    }
                    if (reset) {
                        s.setSoLinger(true, 0);
                    }
                } catch (IOException ignored) {
                    // the test's assertion says what the client saw
                }
            }, "one-connection-sentinel");
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join();
        }
    }
}
