package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

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
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.TlsCertificates;

/**
 * TLS with real processes and certificates made by {@code openssl} in the test: a master that
 * speaks TLS only to the router (its plain port serves the test's own writes and checks), the
 * router's shard ports with TLS, and {@code redis-server} replicas with {@code tls-replication
 * yes}; a master whose certificate the router must refuse, and a certificate replaced on disk.
 */
class TlsIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldReplicateFromATlsMasterToTlsShardReplicasWithEveryShardEqualToTheMaster() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final RedisServer master = redis.startTls(certs, Map.of());
        write(master, "before", 500);
        final int portA = FreePort.find();
        final int portB = FreePort.find();
        final RouterConfig config = ConfigParser.parse(tlsLines(certs, master) + "shard-tls yes\n"
            + "shard a 127.0.0.1:" + portA + " prefix=a:\nshard b 127.0.0.1:" + portB + " prefix=b:\n", "tls");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("the router to stream from the TLS master", () -> router.upstream().state() == UpstreamLink.State.STREAMING,
                30_000);
            final RedisServer replicaA = redis.startTls(certs, Map.of("tls-replication", "yes", "replicaof", "127.0.0.1 " + portA));
            final RedisServer replicaB = redis.startTls(certs, Map.of("tls-replication", "yes", "replicaof", "127.0.0.1 " + portB));
            write(master, "live", 500);
            replicaA.awaitReplicaInSync(30_000);
            replicaB.awaitReplicaInSync(30_000);
            DatasetComparison.of(master, List.of(replicaA, replicaB), TlsIntegrationTest::shardOf)
                .awaitEqual("shard replicas over TLS", 20_000);
            assertEquals(2000L, (long) replicaA.call("DBSIZE") + (long) replicaB.call("DBSIZE"), "every key of both phases");
        }
    }

    @Test
    void shouldNameTheMasterAndTheCaFileWhenTheMastersCertificateIsSignedByAnotherCa() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final TlsCertificates stranger = TlsCertificates.create(dir.resolve("stranger"));
        final RedisServer master = redis.startTls(stranger, Map.of("tls-auth-clients", "no"));
        final String error = upstreamError(certs, master);
        assertTrue(error.contains("TLS handshake with master 127.0.0.1:" + master.tlsPort() + " failed: the certificate it presented "
            + "is not signed by a CA in tls-ca-cert-file " + certs.caCert()), error);
    }

    @Test
    void shouldNameTheMasterAndSayItsCertificateExpiredWhenItHas() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final TlsCertificates.Issued expired = certs.issue("expired", -1, TlsCertificates.KeyForm.PKCS8);
        final RedisServer master = redis.startTls(certs, expired, Map.of("tls-auth-clients", "no"));
        final String error = upstreamError(certs, master);
        assertTrue(error.contains("TLS handshake with master 127.0.0.1:" + master.tlsPort() + " failed: the certificate it presented "
            + "has expired"), error);
    }

    @Test
    void shouldSayTheMasterDoesNotSpeakTlsWhenUpstreamTlsPointsAtAPlainPort() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final RedisServer master = redis.start();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\nupstream-tls yes\ntls-ca-cert-file "
            + certs.caCert() + "\njournal " + dir.resolve("journal") + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\n", "tls");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("the TLS handshake to fail", () -> !router.upstream().lastError().isEmpty(), 20_000);
            assertTrue(router.upstream().lastError().contains("TLS handshake with master 127.0.0.1:" + master.port() + " failed: no answer "
                + "within 5000 ms (it does not speak TLS on that port, or is stuck)"), router.upstream().lastError());
        }
    }

    @Test
    void shouldHintAtUpstreamTlsOnceWhenAPlainLinkMeetsATlsOnlyMaster() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final RedisServer master = redis.startTls(certs, Map.of());
        // its TLS port is TLS-only: Redis drops a plain client there at the first command
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.tlsPort() + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\n", "plain-to-tls"); // no upstream-tls
        // Redis resets it (the command is left unread); how it ended is said in fixed words
        final Pattern said = Pattern.compile("master 127\\.0\\.0\\.1:" + master.tlsPort() + " ended the plain connection at its first "
            + "command: connection (reset|closed) \\(is the master TLS-only\\? set upstream-tls yes\\)");
        assertHintLoggedOncePerWay(config, said);
    }

    @Test
    void shouldSayHowTheConnectionEndedWhenAPlainLinkMeetsAPortThatClosesAtOnce() throws Exception {
        // a TCP proxy or load balancer with no healthy backend: it accepts, then closes
        try (ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final Thread closer = new Thread(() -> {
                while (!proxy.isClosed()) {
                    try {
                        proxy.accept().close();
                    } catch (IOException closedByTheTest) {
                        return;
                    }
                }
            }, "closing-proxy");
            closer.start();
            final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + proxy.getLocalPort() + "\njournal " + dir.resolve("journal")
                + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\n", "closing-proxy");
            final Pattern said = Pattern.compile("master 127\\.0\\.0\\.1:" + proxy.getLocalPort() + " ended the plain connection at its "
                + "first command: connection (closed|reset) \\(is the master TLS-only\\? set upstream-tls yes\\)");
            try {
                assertHintLoggedOncePerWay(config, said);
            } finally {
                proxy.close();
                closer.join();
            }
        }
    }

    /**
     * Starts a router with {@code config}, whose master ends each plain connection at its first
     * command, and checks after three attempts that the link's last error is {@code said} (how the
     * connection ended, and the hint) and that the hint's WARN was logged once for each way it
     * ended (a reset, or the end of the stream), not once per retry.
     */
    private static void assertHintLoggedOncePerWay(RouterConfig config, Pattern said) throws Exception {
        final ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
            org.slf4j.Logger.ROOT_LOGGER_NAME);
        final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
            new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        root.addAppender(logged);
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("three attempts to fail", () -> router.upstream().retriedFaults() >= 3, 30_000);
            assertTrue(said.matcher(router.upstream().lastError()).find(), router.upstream().lastError());
            final List<String> hints = List.copyOf(logged.list).stream().filter(e -> e.getThrowableProxy() != null)
                .map(e -> String.valueOf(e.getThrowableProxy().getMessage())).filter(m -> m.contains("set upstream-tls yes")).toList();
            assertTrue(!hints.isEmpty() && hints.stream().allMatch(m -> said.matcher(m).find()), hints.toString());
            assertEquals(hints.size(), new java.util.HashSet<>(hints).size(), "logged once per way it ended, not per retry: " + hints);
        } finally {
            root.detachAppender(logged);
        }
    }

    @Test
    void shouldServeACertificateReplacedOnDiskToTheNextReplicaWithoutARestart() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final TlsCertificates.Issued expired = certs.issue("router-old", -1, TlsCertificates.KeyForm.PKCS8);
        final Path cert = dir.resolve("router.crt");
        final Path key = dir.resolve("router.key");
        Files.copy(expired.cert(), cert);
        Files.copy(expired.key(), key);
        final RedisServer master = redis.start();
        write(master, "k", 100);
        final int port = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\ntls-cert-file " + cert + "\ntls-key-file " + key + "\ntls-ca-cert-file " + certs.caCert()
            + "\nshard-tls yes\nshard a 127.0.0.1:" + port + " prefix=a:\nunclaimed a\n", "tls");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("the router to stream", () -> router.upstream().state() == UpstreamLink.State.STREAMING, 30_000);
            final RedisServer replica = redis.startTls(certs, Map.of("tls-replication", "yes", "replicaof", "127.0.0.1 " + port));
            Await.until("the replica to refuse the router's expired certificate",
                () -> replica.logTail(50).contains("certificate verify failed"), 20_000);
            assertEquals("down", field(replica, "master_link_status"), "a replica cannot sync with an expired certificate");
            final TlsCertificates.Issued fresh = certs.issue("router-new", 30, TlsCertificates.KeyForm.SEC1_EC);
            replace(fresh.key(), key);
            replace(fresh.cert(), cert);
            replica.awaitReplicaInSync(30_000); // it retries each second: its next connection gets the new certificate
            DatasetComparison.of(master, List.of(replica), k -> 0).awaitEqual("after the certificate was replaced", 10_000);
        }
    }

    @Test
    void shouldDeliverEveryEventToARedisSinkOverTlsAsAnAclUserWithItsPasswordFromAFile() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final RedisServer master = redis.startTls(certs, Map.of());
        final RedisServer target = redis.startTls(certs, Map.of("user", "sinker on >sink-pw ~* &* +@all"));
        final Path password = Files.writeString(dir.resolve("sink.pw"), "sink-pw\n");
        final RouterConfig config = ConfigParser.parse(tlsLines(certs, master) + "shard a 127.0.0.1:" + FreePort.find() + " prefix=a:\n"
            + "sink audit xadd 127.0.0.1:" + target.tlsPort() + " events tls=yes user=sinker password-file=" + password + "\n", "tls");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("the router to stream", () -> router.upstream().state() == UpstreamLink.State.STREAMING, 30_000);
            write(master, "sunk", 200);
            try (RedisClient c = target.client()) {
                Await.until("every event in the stream", () -> c.callLong("XLEN", "events") == 200, 20_000);
            }
        }
    }

    /** The lines of a router that connects to {@code master}'s TLS port and shows the test CA's certificates. */
    private String tlsLines(TlsCertificates certs, RedisServer master) {
        return "upstream 127.0.0.1:" + master.tlsPort() + "\nupstream-tls yes\ntls-verify-hostname yes\njournal " + dir.resolve("journal")
            + "\ntls-cert-file " + certs.server().cert() + "\ntls-key-file " + certs.server().key()
            + "\ntls-client-cert-file " + certs.client().cert() + "\ntls-client-key-file " + certs.client().key()
            + "\ntls-ca-cert-file " + certs.caCert() + "\n";
    }

    /** The upstream link's error once it has failed to connect to {@code master}. */
    private String upstreamError(TlsCertificates certs, RedisServer master) throws Exception {
        final RouterConfig config = ConfigParser.parse(tlsLines(certs, master) + "shard a 127.0.0.1:" + FreePort.find()
            + " prefix=a:\n", "tls");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("the TLS handshake with the master to fail", () -> !router.upstream().lastError().isEmpty(), 20_000);
            assertEquals(0, router.upstream().fullSyncs(), "no sync with a master whose certificate is refused");
            return router.upstream().lastError();
        }
    }

    private static void replace(Path from, Path to) throws Exception {
        final Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String field(RedisServer server, String name) {
        final String info = new String((byte[]) server.call("INFO", "replication"));
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        return "";
    }

    private static void write(RedisServer master, String phase, int n) {
        try (RedisClient c = master.client()) {
            for (int i = 0; i < n; i++) {
                c.call("SET", "a:" + phase + i, "v" + i);
                c.call("RPUSH", "b:" + phase + i, "x", "y");
            }
        }
    }

    private static int shardOf(byte[] key) {
        return key[0] == 'a' ? 0 : key[0] == 'b' ? 1 : DatasetComparison.NO_SHARD;
    }
}
