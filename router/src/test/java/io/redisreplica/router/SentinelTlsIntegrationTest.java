package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;

import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.upstream.MasterLocator;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.SentinelGroup;
import io.redisreplica.testkit.TlsCertificates;

/**
 * {@code upstream-sentinel-tls yes} with real processes: Sentinels that listen with TLS only
 * ({@code port 0}, {@code tls-port}, {@code tls-auth-clients yes}, {@code tls-replication yes}),
 * watching a TLS master and its TLS replica. The router asks them over TLS with its client
 * certificate and hostname check, streams from the master's TLS port into shard replicas, and
 * follows a {@code SENTINEL FAILOVER} announced on a TLS subscription; a CA that does not sign the
 * sentinels' certificates fails each attempt loudly, naming the sentinel and the CA file, logged
 * once, until the file is replaced; asked in plain, they fail each attempt with a hint to set
 * {@code upstream-sentinel-tls}.
 */
class SentinelTlsIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldFindTheMasterThroughTlsOnlySentinelsAndFollowAFailoverWithEveryShardEqualToTheNewMaster() {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final RedisServer first = redis.startTls(certs, Map.of("tls-replication", "yes"));
        final RedisServer second = redis.startTls(certs, Map.of("tls-replication", "yes", "replicaof", "127.0.0.1 " + first.tlsPort()));
        second.awaitReplicaInSync(20_000);
        final SentinelGroup sentinels = SentinelGroup.startTlsOnly(redis, "m", first, 3, certs);
        final int admin = FreePort.find();
        final SlotShards layout = new SlotShards(tlsLines(certs, certs.caCert(), sentinels) + "upstream-sentinel-tls yes",
            dir.resolve("journal"), "admin 127.0.0.1:" + admin + "\n");
        try (Router router = Router.start(layout.config, CrossShardPolicy.TRANSLATE);
             CounterLoad load = new CounterLoad(first)) {
            Await.until("the router to stream from the master the TLS sentinels name", () -> router.upstream().master()
                .equals("127.0.0.1:" + first.tlsPort()) && router.upstream().state() == UpstreamLink.State.STREAMING, 60_000);
            final List<RedisServer> shardReplicas = layout.replicas(redis, RedisBinary.local());
            load.awaitMore(2000);
            sentinels.awaitWatching(second.tlsPort());
            Await.until("the watcher to subscribe over TLS", () -> router.upstream().sentinel().watch().startsWith("subscribed:"), 30_000);
            load.pause();
            first.awaitReplicasCaughtUp(30_000); // the replica and the router hold every write
            final long fullSyncs = router.upstream().fullSyncs();
            sentinels.failover();
            sentinels.awaitMaster(second.tlsPort());
            Await.until("the router to stream from the promoted node's TLS port", () -> router.upstream().master()
                .equals("127.0.0.1:" + second.tlsPort()) && router.upstream().state() == UpstreamLink.State.STREAMING, 60_000);
            Await.until("the watcher to see +switch-master over TLS", () -> router.upstream().sentinel().switches() >= 1, 30_000);
            assertEquals(fullSyncs, router.upstream().fullSyncs(), "a partial resync with the promoted node");
            try (RedisClient c = new RedisClient("127.0.0.1", admin)) {
                final String info = c.callString("INFO", "upstream");
                assertTrue(info.contains("upstream_master:127.0.0.1:" + second.tlsPort() + "\r\n"), info);
                assertTrue(info.contains("upstream_sentinel_master_name:m\r\nupstream_sentinels:3\r\n"), info);
            }
            load.resume(second);
            load.awaitMore(2000);
            load.pause();
            DatasetComparison.of(second, shardReplicas, layout::shardOf).awaitEqual("after the failover", 60_000);
        }
    }

    @Test
    void shouldNameTheSentinelAndTheCaFileLogItOnceAndKeepRetryingWhenTheCaDoesNotSignTheSentinels() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final TlsCertificates stranger = TlsCertificates.create(dir.resolve("stranger"));
        final RedisServer master = redis.startTls(certs, Map.of("tls-replication", "yes"));
        // an ACL user with a password for the router; the default user stays open for the fixture's own checks
        final String password = "sentinel-pw-" + FreePort.find();
        final SentinelGroup sentinels = SentinelGroup.startTlsOnly(redis, "m", master, 1, certs);
        sentinels.sentinels().get(0).call("ACL", "SETUSER", "watcher", "on", ">" + password, "+@all", "~*", "&*");
        final Path ca = dir.resolve("ca.crt");
        Files.copy(stranger.caCert(), ca);
        final RouterConfig config = ConfigParser.parse(tlsLines(certs, ca, sentinels) + "upstream-sentinel-tls yes\n"
            + "upstream-sentinel-user watcher\nupstream-sentinel-password " + password + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\n", "sentinel-tls");
        final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("several attempts to fail", () -> router.upstream().retriedFaults() >= 3, 30_000);
            final String sentinel = sentinels.addresses();
            final String expected = "TLS handshake with sentinel " + sentinel + " failed: the certificate it presented is not signed by "
                + "a CA in tls-ca-cert-file " + ca;
            assertTrue(router.upstream().lastError().contains(expected), router.upstream().lastError());
            assertNull(router.upstream().failure(), "a sentinel it cannot trust is retried, not fatal");
            Await.until("the watcher to fail too", () -> warnings(logged, expected).size() >= 2, 30_000);
            final List<String> warned = warnings(logged, expected);
            assertEquals(2, warned.size(), "once by the link, once by the watcher, however often they retry: " + warned);
            assertTrue(warned.stream().anyMatch(w -> w.startsWith("upstream: retrying")), warned.toString());
            assertTrue(warned.stream().anyMatch(w -> w.startsWith("sentinel watch: sentinel " + sentinel)), warned.toString());

            // the operator puts the right CA in place: the next attempt loads it and reaches the master
            final Path tmp = dir.resolve("ca.crt.tmp");
            Files.copy(certs.caCert(), tmp);
            Files.move(tmp, ca, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Await.until("the router to stream once the CA signs the sentinels", () -> router.upstream().state()
                == UpstreamLink.State.STREAMING, 60_000);
            assertEquals("127.0.0.1:" + master.tlsPort(), router.upstream().master());
            Await.until("the watcher to subscribe", () -> router.upstream().sentinel().watch().equals("subscribed:" + sentinel), 30_000);
            for (ILoggingEvent e : List.copyOf(logged.list)) {
                assertFalse(text(e).contains(password), "a password in the log: " + text(e));
            }
            assertFalse(router.upstream().lastError().contains(password));
        } finally {
            root.detachAppender(logged);
        }
    }

    @Test
    void shouldHintAtUpstreamSentinelTlsWhenTlsOnlySentinelsAreAskedInPlain() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final RedisServer master = redis.startTls(certs, Map.of("tls-replication", "yes"));
        final SentinelGroup sentinels = SentinelGroup.startTlsOnly(redis, "m", master, 1, certs);
        final RouterConfig config = ConfigParser.parse(tlsLines(certs, certs.caCert(), sentinels) + "journal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\n", "sentinel-plain"); // no upstream-sentinel-tls
        final String hint = " (is the sentinel TLS-only? set upstream-sentinel-tls yes)";
        final IOException asked = assertThrows(IOException.class, () -> MasterLocator.current(config));
        assertTrue(asked.getMessage().startsWith("no sentinel named the master m; " + sentinels.addresses() + ": ")
            && asked.getMessage().endsWith(hint), asked.getMessage());
        final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("an attempt to fail", () -> router.upstream().retriedFaults() >= 1, 30_000);
            assertTrue(router.upstream().lastError().contains(hint), router.upstream().lastError());
            Await.until("the watcher to fail with the hint too", () -> warnings(logged, hint).stream()
                .anyMatch(w -> w.startsWith("sentinel watch: sentinel " + sentinels.addresses())), 30_000);
        } finally {
            root.detachAppender(logged);
        }
    }

    /** The TLS lines of a router that asks {@code sentinels} and reaches their master's TLS port, trusting {@code ca}. */
    private static String tlsLines(TlsCertificates certs, Path ca, SentinelGroup sentinels) {
        return "upstream-sentinel m " + sentinels.addresses() + "\nupstream-tls yes\ntls-verify-hostname yes\n"
            + "tls-client-cert-file " + certs.client().cert() + "\ntls-client-key-file " + certs.client().key()
            + "\ntls-ca-cert-file " + ca + "\n";
    }

    /** The WARN lines so far whose error says {@code what}. */
    private static List<String> warnings(ListAppender<ILoggingEvent> logged, String what) {
        return List.copyOf(logged.list).stream().filter(e -> e.getLevel() == Level.WARN && text(e).contains(what))
            .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    /** A log event's line and every message of its error's causes. */
    private static String text(ILoggingEvent e) {
        final StringBuilder all = new StringBuilder(e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            all.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return all.toString();
    }
}
