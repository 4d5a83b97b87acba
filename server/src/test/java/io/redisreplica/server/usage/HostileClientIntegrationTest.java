package io.redisreplica.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.server.ReplicationBacklog;
import io.redisreplica.server.ReplicationServer;
import io.redisreplica.server.ServerContext;
import io.redisreplica.server.ServerListener;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Clients that are no replicas on the server's port, beside a real replica with
 * {@code masterauth}: what they send before their handshake is refused within Redis's
 * pre-AUTH limits, never read whole, and the replica streams throughout.
 */
class HostileClientIntegrationTest {
    private static final String PASSWORD = "s3cret-for-the-test";

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private final List<String> errors = new CopyOnWriteArrayList<>();

    private record Setup(ReplicationServer server, ReplicationBacklog backlog, RedisServer replica) implements AutoCloseable {
        void assertStreams(String key) {
            backlog.appendCommand("SET", key, "v-" + key);
            Await.until(key + " on the replica", () -> {
                try (RedisClient c = replica.client()) {
                    return ("v-" + key).equals(c.callString("GET", key));
                }
            }, 20_000);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    private Setup start(int maxClients, long handshakeTimeoutMillis) throws IOException {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 10));
        final ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).requirePass(PASSWORD)
            .maxClients(maxClients).handshakeTimeoutMillis(handshakeTimeoutMillis).listener(new ServerListener() {
                @Override
                public void onError(String where, Throwable error, boolean fatal) {
                    errors.add(where + ": " + error);
                }
            }));
        final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port(), "masterauth", PASSWORD));
        replica.awaitReplicaInSync(30_000);
        return new Setup(server, backlog, replica);
    }

    private static Socket connect(int port) throws IOException {
        final Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** Everything the server sends until it closes the connection. */
    private static String untilClosed(Socket s) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final InputStream in = s.getInputStream();
        final byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // closed with bytes of ours unread: a reset, after its reply
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String line(Socket s) throws IOException {
        final StringBuilder sb = new StringBuilder();
        int c;
        while ((c = s.getInputStream().read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Test
    void shouldRefuseGarbageAndHugeBulksBeforeAuthWithAnErrorAndKeepTheReplicaStreaming() throws Exception {
        try (Setup setup = start(128, 10_000)) {
            final int port = setup.server().port();
            try (Socket s = connect(port)) {
                send(s, "*1\r\n$1000000000\r\n"); // a bulk header that announces 1 GB: refused before a byte of it is read
                assertEquals("-ERR Protocol error: bulk length=1000000000 at offset=4 (expected: 0..16384)\r\n", untilClosed(s));
            }
            try (Socket s = connect(port)) {
                send(s, "*11\r\n"); // more arguments than Redis lets an unauthenticated client send
                assertTrue(untilClosed(s).startsWith("-ERR Protocol error: multibulk length=11 at offset=0"));
            }
            try (Socket s = connect(port)) {
                send(s, "*1\r\n$4\r\nPING\r\n*\u00ff\u0013garbage\r\n");
                assertEquals("+PONG\r\n-ERR Protocol error: invalid multibulk length \"\\xff\\x13garbage\" at offset=14\r\n", untilClosed(s),
                    "a PING answered, then the garbage refused (its bytes escaped)");
            }
            try (Socket s = connect(port)) {
                // 4 MB of noise without a line end: the server reads at most its 17 KB buffer and closes
                final byte[] noise = new byte[4 << 20];
                new Random(7).nextBytes(noise);
                for (int i = 0; i < noise.length; i++) {
                    noise[i] = (byte) ('a' + ((noise[i] & 0xFF) % 26));
                }
                try {
                    s.getOutputStream().write(noise);
                } catch (SocketException closedOnUs) {
                    // expected: it stopped reading and closed
                }
                assertTrue(untilClosed(s).startsWith("-ERR Protocol error: "));
            }
            try (Socket s = connect(port)) {
                send(s, "INFO replication\r\n");
                assertEquals("-NOAUTH Authentication required.", line(s));
                send(s, "AUTH wrong\r\n");
                assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", line(s));
                send(s, "PSYNC ? -1\r\n");
                assertEquals("-NOAUTH Authentication required.", line(s), "no sync without AUTH");
            }
            setup.assertStreams("after-hostile");
            assertEquals(4, setup.server().protocolFailures(), "each broken connection counted against its address");
            assertEquals(1, setup.server().authFailures());
            assertEquals(1, setup.server().fullResyncs(), "the replica was never disturbed");
        }
        assertEquals(List.of(), errors, "hostile clients are no errors of the server");
    }

    @Test
    void shouldTurnAwayClientsPastMaxClientsAndCloseAStalledHandshake() throws Exception {
        try (Setup setup = start(4, 1_000)) {
            final int port = setup.server().port();
            final List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) { // the replica holds the first slot
                    idle.add(connect(port));
                }
                try (Socket s = connect(port)) {
                    assertEquals("-ERR max number of clients reached\r\n", untilClosed(s));
                }
                for (Socket s : idle) {
                    assertEquals("", untilClosed(s), "closed without a word after the handshake timeout");
                }
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
            assertEquals(1, setup.server().refusedConnections());
            Await.until("the timed-out connections free their slots", () -> {
                try (Socket s = connect(port)) {
                    send(s, "PING\r\n");
                    return line(s).equals("+PONG");
                } catch (IOException e) {
                    return false;
                }
            }, 10_000);
            setup.assertStreams("after-maxclients");
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldLetOnlyTheRequiredUserAuthenticateAsAReplicasMasteruserDoes() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 10));
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).requireUser("replicator")
            .requirePass(PASSWORD).listener(new ServerListener() {
                @Override
                public void onError(String where, Throwable error, boolean fatal) {
                    errors.add(where + ": " + error);
                }
            }))) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port(),
                "masteruser", "replicator", "masterauth", PASSWORD));
            replica.awaitReplicaInSync(30_000);
            try (Socket wrongUser = connect(server.port())) {
                send(wrongUser, "AUTH " + PASSWORD + "\r\n"); // the default user: not the one required
                assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", line(wrongUser));
            }
            assertEquals(1, server.authFailures());
            new Setup(server, backlog, replica).assertStreams("after-wrong-user");
        }
        assertEquals(List.of(), errors);
    }
}
