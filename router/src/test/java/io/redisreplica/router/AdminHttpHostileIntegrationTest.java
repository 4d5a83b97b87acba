package io.redisreplica.router;

import static io.redisreplica.router.HostileClient.closedByPeer;
import static io.redisreplica.router.HostileClient.connect;
import static io.redisreplica.router.HostileClient.readAll;
import static io.redisreplica.router.HostileClient.send;
import static io.redisreplica.router.HostileClient.usedHeap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.admin.AdminHttpServer;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Hostile clients against a real router's admin-http port (the JDK's HTTP server with the limits
 * AdminHttpServer sets): slow clients that hold connections, giant headers, a request cut into
 * one-byte packets, garbage, more connections than the cap. Through all of it {@code /metrics}
 * answers, every hostile connection is closed by the router, and the heap stays small.
 */
class AdminHttpHostileIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Router start(int httpPort) {
        final RedisServer master = redis.start();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nadmin-http 127.0.0.1:" + httpPort + "\nshard a 127.0.0.1:" + FreePort.find() + " regex=.*\n", "test");
        return Router.start(config, CrossShardPolicy.LOG);
    }

    /** A scrape as Prometheus makes it, with a time limit of its own: a starved server fails it. */
    private int metrics(int port) throws Exception {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() != 200 || r.body().contains("redis_replica_upstream_streaming"), r.body());
        return r.statusCode();
    }

    @Test
    void shouldAnswerMetricsWhileSlowClientsHoldConnectionsAndCutThemOff() throws Exception {
        final int port = FreePort.find();
        try (Router router = start(port)) {
            final long before = usedHeap();
            final List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < AdminHttpServer.MAX_CONNECTIONS / 2; i++) { // slowloris: a request line and half a header, then nothing
                final Socket s = connect(port);
                send(s, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
                slow.add(s);
            }
            for (int i = 0; i < 5; i++) {
                assertEquals(200, metrics(port), "scrape " + i + " while " + slow.size() + " slow clients hold connections");
            }
            for (Socket s : slow) {
                assertTrue(closedByPeer(s, (AdminHttpServer.REQUEST_SECONDS + 10) * 1000), "a slow client is cut off");
                s.close();
            }
            assertTrue(usedHeap() - before < 16L << 20, "slow clients cost heap");
            assertEquals(200, metrics(port));
        }
    }

    @Test
    void shouldRefuseGiantHeadersAndGarbageAndAnswerARequestCutIntoPackets() throws Exception {
        final int port = FreePort.find();
        try (Router router = start(port)) {
            final long before = usedHeap();
            // one header of 1 MB, and many small ones: refused, never held
            try (Socket s = connect(port)) {
                try {
                    send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1 << 20) + "\r\n\r\n");
                } catch (IOException e) {
                    // closed while we were still sending: refused
                }
                final String answer = readAll(s, 10_000);
                assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 4"), answer);
                assertTrue(!answer.contains("redis_replica_"), "no metrics for a giant header");
            }
            try (Socket s = connect(port)) {
                final StringBuilder many = new StringBuilder("GET /metrics HTTP/1.1\r\nHost: x\r\n");
                for (int i = 0; i < 1000; i++) {
                    many.append("X-").append(i).append(": y\r\n");
                }
                try {
                    send(s, many.append("\r\n").toString());
                } catch (IOException e) {
                    // refused before the end
                }
                final String answer = readAll(s, 10_000);
                assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 4"), answer);
            }
            // garbage: an error or a hang-up, and the server serves on
            final Random random = new Random(16);
            for (int i = 0; i < 20; i++) {
                try (Socket s = connect(port)) {
                    final byte[] junk = new byte[1 + random.nextInt(4096)];
                    random.nextBytes(junk);
                    try {
                        s.getOutputStream().write(junk);
                        s.getOutputStream().write("\r\n\r\n".getBytes());
                    } catch (IOException e) {
                        // refused
                    }
                    final String answer = readAll(s, 15_000);
                    assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 4"), answer);
                }
            }
            // a request a byte per packet is one request all the same
            try (Socket s = connect(port)) {
                s.setTcpNoDelay(true);
                for (byte b : "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes()) {
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                }
                final String answer = readAll(s, 10_000);
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            }
            assertTrue(usedHeap() - before < 16L << 20, "hostile requests cost heap");
            assertEquals(200, metrics(port));
        }
    }

    @Test
    void shouldCapConnectionsAndServeAgainOnceTheyGo() throws Exception {
        final int port = FreePort.find();
        try (Router router = start(port)) {
            final long before = usedHeap();
            final List<Socket> held = new ArrayList<>();
            for (int i = 0; i < 200; i++) { // connections that never send a byte
                try {
                    held.add(connect(port));
                } catch (IOException e) {
                    // the backlog is full: the cap at work
                }
            }
            // past the cap the server closes a connection as it accepts it: at once, long before any time limit
            final java.util.Set<Socket> closed = new java.util.HashSet<>();
            Await.until("all but " + AdminHttpServer.MAX_CONNECTIONS + " connections closed by the router", () -> {
                for (Socket s : held) {
                    try {
                        if (!closed.contains(s) && closedByPeer(s, 10)) {
                            closed.add(s);
                        }
                    } catch (IOException e) {
                        closed.add(s);
                    }
                }
                return closed.size() >= held.size() - AdminHttpServer.MAX_CONNECTIONS;
            }, (AdminHttpServer.REQUEST_SECONDS - 2) * 1000L);
            final long during = usedHeap();
            System.out.printf("admin-http: %d connections made, %d closed at once; heap %d KB before, %d KB during%n",
                held.size(), closed.size(), before >> 10, during >> 10);
            assertTrue(during - before < 16L << 20, held.size() + " connections cost " + ((during - before) >> 20) + " MB");
            for (Socket s : held) {
                assertTrue(closedByPeer(s, (AdminHttpServer.REQUEST_SECONDS + AdminHttpServer.IDLE_SECONDS + 10) * 1000),
                    "an idle connection is closed by the router");
                s.close();
            }
            Await.until("/metrics answers once the connections are gone", () -> {
                try {
                    return metrics(port) == 200;
                } catch (Exception e) { // refused or timed out: not yet
                    return false;
                }
            }, 30_000);
        }
    }
}
