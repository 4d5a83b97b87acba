package io.redisreplica.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.TlsCertificates;

/** {@link RespClient} against real redis-server processes: AUTH, pipelining, bounds, timeouts, close and TLS. */
class RespClientIntegrationTest {
    private static final String SECRET = "s3cret-never-shown";

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private static RespClientContext to(RedisServer server) {
        return new RespClientContext().address(server.host(), server.port()).peer("test server");
    }

    @Test
    void shouldAuthenticateAsAnAclUserAndAsTheDefaultUser() throws IOException {
        final RedisServer server = secured(redis.start());
        try (RespClient c = RespClient.open(to(server).auth(null, SECRET))) {
            assertEquals("OK", c.request("SET", "k", "v"));
        }
        try (RespClient c = RespClient.open(to(server).auth("app", SECRET + "-app"))) {
            assertEquals("app", c.request("ACL", "WHOAMI"));
            assertEquals("v", c.request("GET", "k"));
        }
    }

    @Test
    void shouldSayTheServerRefusedAuthWithItsReplyButNeverThePassword() {
        final RedisServer server = secured(redis.start());
        final IOException refused = assertThrows(IOException.class,
            () -> RespClient.open(to(server).auth("app", "wrong-" + SECRET)).close());
        assertEquals("test server 127.0.0.1:" + server.port() + " refused AUTH: WRONGPASS invalid username-password pair or user is "
            + "disabled.", refused.getMessage());
        final IOException noAuth = assertThrows(IOException.class, () -> {
            try (RespClient c = RespClient.open(to(server))) {
                c.call("GET", "k");
            }
        });
        assertTrue(noAuth.getMessage().startsWith("NOAUTH"), noAuth.getMessage());
    }

    @Test
    void shouldReadPipelinedRepliesInTheOrderTheCommandsWent() throws IOException {
        final RedisServer server = redis.start();
        try (RespClient c = RespClient.open(to(server).binary(true))) {
            final RespWriter w = c.pipeline();
            for (int i = 0; i < 1000; i++) {
                w.command("INCR", "counter");
            }
            w.command("LPUSH", "list", "x").command("INCR", "list").command("GET", "counter");
            c.flush();
            for (long i = 1; i <= 1000; i++) {
                assertEquals(i, c.read());
            }
            assertEquals(1L, c.read());
            assertTrue(c.read() instanceof RespError e && e.message().startsWith("WRONGTYPE"), "an error in a pipeline is a value");
            assertArrayEquals("1000".getBytes(StandardCharsets.US_ASCII), (byte[]) c.read(), "bulks as bytes when binary");
            assertEquals(1L, c.request("EXISTS".getBytes(StandardCharsets.US_ASCII), new byte[] {'l', 'i', 's', 't'}));
        }
    }

    @Test
    void shouldFailLoudlyOnAReplyPastItsBoundNamingTheServer() throws IOException {
        final RedisServer server = redis.start();
        try (RespClient c = RespClient.open(to(server).maxReply(1024))) {
            assertEquals("OK", c.request("SET", "big", "x".repeat(4096)));
            final IOException tooLong = assertThrows(IOException.class, () -> c.request("GET", "big"));
            assertTrue(tooLong.getMessage().contains("test server 127.0.0.1:" + server.port()), tooLong.getMessage());
            assertTrue(tooLong.getMessage().contains("1024"), tooLong.getMessage());
        }
    }

    @Test
    void shouldTimeOutAReadThatGetsNoReply() throws IOException {
        final RedisServer server = redis.start();
        try (RespClient c = RespClient.open(to(server).readTimeoutMillis(200))) {
            c.pipeline().command("BLPOP", "nothing", "0");
            c.flush();
            assertThrows(SocketTimeoutException.class, c::read);
        }
    }

    @Test
    void shouldEndAWaitingReadWhenClosedFromAnotherThread() throws Exception {
        final RedisServer server = redis.start();
        final RespClient c = RespClient.open(to(server).readTimeoutMillis(0));
        final CompletableFuture<Object> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return c.request("BLPOP", "nothing", "0");
            } catch (IOException e) {
                return e;
            }
        });
        Await.until("the BLPOP to block", () -> new String((byte[]) server.call("CLIENT", "LIST"), StandardCharsets.UTF_8)
            .contains("cmd=blpop"), 10_000);
        c.close();
        assertTrue(blocked.get(10, TimeUnit.SECONDS) instanceof IOException, "the read ends with an IOException");
    }

    @Test
    void shouldTalkTlsWithTheServersCertificateCheckedAgainstTheCa() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final RedisServer server = secured(redis.startTls(certs, Map.of("tls-auth-clients", "no")));
        final Dialer tls = Dialer.tls(trusting(certs.caCert()).getSocketFactory(), true);
        try (RespClient c = RespClient.open(new RespClientContext().address("127.0.0.1", server.tlsPort()).dialer(tls)
            .auth(null, SECRET))) {
            assertEquals("PONG", c.request("PING"));
        }
        final TlsCertificates stranger = TlsCertificates.create(dir.resolve("stranger"));
        final Dialer wrongCa = Dialer.tls(trusting(stranger.caCert()).getSocketFactory(), true);
        final IOException refused = assertThrows(IOException.class,
            () -> RespClient.open(new RespClientContext().address("127.0.0.1", server.tlsPort()).dialer(wrongCa).peer("tls server")));
        assertTrue(refused.getMessage().startsWith("TLS handshake with tls server 127.0.0.1:" + server.tlsPort() + " failed"),
            refused.getMessage());
    }

    @Test
    void shouldFailATlsHandshakeWithAPlainPortWithinTheConnectTimeout() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final RedisServer server = redis.start();
        final Dialer tls = Dialer.tls(trusting(certs.caCert()).getSocketFactory(), true);
        final IOException silent = assertThrows(IOException.class,
            () -> RespClient.open(to(server).dialer(tls).connectTimeoutMillis(300)));
        assertTrue(silent.getMessage().contains("no answer within 300 ms"), silent.getMessage());
        assertFalse(silent.getMessage().contains(SECRET));
    }

    private static SSLContext trusting(Path caCert) throws Exception {
        final KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caCert)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** {@code server} with an ACL user {@code app} and {@link #SECRET} as the default user's password. */
    private static RedisServer secured(RedisServer server) {
        try (RedisClient admin = server.client()) {
            admin.call("ACL", "SETUSER", "app", "on", ">" + SECRET + "-app", "~*", "+@all");
            admin.call("CONFIG", "SET", "requirepass", SECRET);
        }
        return server;
    }
}
