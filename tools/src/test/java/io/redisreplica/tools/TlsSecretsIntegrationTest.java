package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespClientContext;
import io.redisreplica.resp.RespError;
import io.redisreplica.router.tls.SocketFactory;
import io.redisreplica.router.tls.TlsContexts;
import io.redisreplica.router.tls.TlsSettings;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.TlsCertificates;

/**
 * The router as its own process with every end on TLS and every secret out of its config: the
 * master's ACL user's password from the environment, a shard user's and the admin port's from
 * files, another shard's from the environment. Replicas sync over TLS with {@code masteruser} /
 * {@code masterauth}; one with a wrong password is refused and logged once; {@code status} and
 * {@code compare} work over TLS, and a wrong CA names the server. No password is in the router's
 * log, INFO or /metrics.
 */
class TlsSecretsIntegrationTest {
    private static final String MASTER_PW = "master-pw-9f2c";
    private static final String SHARD_A_PW = "shard-a-pw-71de";
    private static final String SHARD_B_PW = "shard-b-pw-0b3a";
    private static final String ADMIN_PW = "admin-pw-55e1";
    private static final String WRONG_PW = "wrong-pw-c4c4";

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldSyncStatusAndCompareOverTlsWithSecretsFromEnvAndFilesAndNeverShowAPassword() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final RedisServer master = redis.startTls(certs, Map.of("user", "replicator on >" + MASTER_PW + " ~* &* +@all"));
        final int portA = FreePort.find();
        final int portB = FreePort.find();
        final int admin = FreePort.find();
        final Path shardFile = Files.writeString(dir.resolve("shard-a.pw"), SHARD_A_PW + "\n");
        final Path adminFile = Files.writeString(dir.resolve("admin.pw"), ADMIN_PW + "\n");
        final Path config = Files.writeString(dir.resolve("router.conf"), "upstream 127.0.0.1:" + master.tlsPort() + "\nupstream-tls yes\n"
            + "upstream-user replicator\nupstream-password ${MASTER_PW}\njournal " + dir.resolve("journal") + "\n"
            + "tls-cert-file " + certs.server().cert() + "\ntls-key-file " + certs.server().key() + "\ntls-ca-cert-file " + certs.caCert()
            + "\ntls-client-cert-file " + certs.client().cert() + "\ntls-client-key-file " + certs.client().key() + "\n"
            + "admin 127.0.0.1:" + admin + "\nadmin-tls yes\nadmin-password password-file=" + adminFile + "\nadmin-health-open yes\n"
            + "shard-tls yes\nshard a 127.0.0.1:" + portA + " prefix=a:\nshard b 127.0.0.1:" + portB + " prefix=b:\n"
            + "shard-user a replicator password-file=" + shardFile + "\nshard-password b ${SHARD_PW}\n");
        // the tools run in this JVM, whose environment a test cannot set: they read the same config with the two ${...} as files
        final Path toolsConfig = Files.writeString(dir.resolve("tools.conf"), Files.readString(config)
            .replace("${MASTER_PW}", "password-file=" + Files.writeString(dir.resolve("master.pw"), MASTER_PW))
            .replace("${SHARD_PW}", "password-file=" + Files.writeString(dir.resolve("shard-b.pw"), SHARD_B_PW)));
        final RouterProcess routers = new RouterProcess(dir);
        final Process router = routers.start(Map.of("MASTER_PW", MASTER_PW, "SHARD_PW", SHARD_B_PW), config);
        try {
            routers.awaitStreaming(0);
            final RedisServer replicaA = redis.startTls(certs, Map.of("tls-replication", "yes", "replicaof", "127.0.0.1 " + portA,
                "masteruser", "replicator", "masterauth", SHARD_A_PW));
            final RedisServer replicaB = redis.startTls(certs, Map.of("tls-replication", "yes", "replicaof", "127.0.0.1 " + portB,
                "masterauth", SHARD_B_PW));
            final RedisServer intruder = redis.startTls(certs, Map.of("tls-replication", "yes", "replicaof", "127.0.0.1 " + portA,
                "masteruser", "replicator", "masterauth", WRONG_PW));
            try (RedisClient c = master.client()) {
                for (int i = 0; i < 300; i++) {
                    c.call("INCR", "a:counter");
                    c.call("RPUSH", "b:seq", Integer.toString(i));
                    c.call("SET", "a:k" + i, "v" + i);
                }
            }
            replicaA.awaitReplicaInSync(30_000);
            replicaB.awaitReplicaInSync(30_000);
            Await.until("the intruder to be refused three times", () -> intruder.logTail(200).split("WRONGPASS", -1).length > 3, 20_000);

            final Cli status = Cli.run("status", "-c", toolsConfig.toString(), "--wait-synced", "--timeout", "30s");
            assertEquals(0, status.exit(), status.out() + status.err());
            assertTrue(status.out().contains("shard a: in sync") && status.out().contains("shard b: in sync"), status.out());
            final Cli compare = Cli.run("compare", "-c", toolsConfig.toString(), "--tls", "--quiet", "-s", "a=127.0.0.1:" + replicaA.tlsPort(),
                "-s", "b=127.0.0.1:" + replicaB.tlsPort());
            assertEquals(0, compare.exit(), compare.out() + compare.err());
            final TlsCertificates stranger = TlsCertificates.create(dir.resolve("stranger"));
            final Cli wrongCa = Cli.run("compare", "-c", toolsConfig.toString(), "--tls", "--cacert", stranger.caCert().toString(), "--quiet",
                "-s", "a=127.0.0.1:" + replicaA.tlsPort());
            assertEquals(4, wrongCa.exit(), wrongCa.out() + wrongCa.err());
            assertTrue(wrongCa.err().contains("TLS handshake with master 127.0.0.1:" + master.tlsPort() + " failed: the certificate it "
                + "presented is not signed by a CA in --cacert " + stranger.caCert()), wrongCa.err());
            DatasetComparison.of(master, List.of(replicaA, replicaB), k -> k[0] == 'a' ? 0 : k[0] == 'b' ? 1 : DatasetComparison.NO_SHARD)
                .awaitEqual("shard replicas over TLS with ACL users", 10_000);

            final SocketFactory tls = SocketFactory.of(new TlsContexts(new TlsSettings(null, null, certs.caCert(), certs.client().cert(),
                certs.client().key(), TlsSettings.ClientAuth.NO, true), "test"));
            final String info;
            try (RespClient c = RespClient.open(new RespClientContext().address("127.0.0.1", admin).dialer(tls).peer("admin"))) {
                assertTrue(c.request("INFO") instanceof RespError e && e.message().startsWith("NOAUTH"), "INFO needs AUTH first");
                assertTrue(c.request("AUTH", WRONG_PW) instanceof RespError, "a wrong admin password is refused");
                assertEquals("OK", c.call("AUTH", "default", ADMIN_PW));
                info = String.valueOf(c.call("INFO", "all"));
            }
            assertTrue(info.contains("auth_failures="), info);
            final HttpClient http = HttpClient.newBuilder().sslContext(new TlsContexts(new TlsSettings(null, null, certs.caCert(),
                certs.client().cert(), certs.client().key(), TlsSettings.ClientAuth.NO, true), "test").client()).build();
            final URI metrics = URI.create("https://127.0.0.1:" + admin + "/metrics");
            assertEquals(401, http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            final HttpResponse<String> authorized = http.send(HttpRequest.newBuilder(metrics).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((":" + ADMIN_PW).getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, authorized.statusCode(), authorized.body());
            assertTrue(authorized.body().contains("redis_replica_"), authorized.body());
            final int health = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + admin + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
            assertTrue(health != 401, "admin-health-open yes: the health path asks for no password (" + health + ")");

            router.destroy(); // SIGTERM: the log is complete once it exits
            router.waitFor();
            final String log = Files.readString(routers.log(0));
            assertEquals(1, log.split("shard a: client 127.0.0.1: wrong AUTH", -1).length - 1,
                "the intruder's burst of wrong AUTHs is logged once:\n" + log);
            assertEquals(1, log.split("admin: client 127.0.0.1: wrong AUTH", -1).length - 1, "and the admin port's:\n" + log);
            assertEquals(2, log.lines().filter(l -> l.contains("wrong AUTH")).count(), "no other line about them:\n" + log);
            for (String secret : List.of(MASTER_PW, SHARD_A_PW, SHARD_B_PW, ADMIN_PW, WRONG_PW)) {
                assertFalse(log.contains(secret), "the router's log shows a password:\n" + log);
                assertFalse(info.contains(secret), "INFO shows a password");
                assertFalse(authorized.body().contains(secret), "/metrics shows a password");
                assertFalse(status.out().contains(secret) || status.err().contains(secret) || compare.out().contains(secret)
                    || compare.err().contains(secret) || wrongCa.err().contains(secret), "a tool shows a password");
            }
            for (String command : List.of("run", "status", "compare", "cutover", "replay")) {
                assertFalse(Cli.run(command, "--help").out().contains(SHARD_A_PW), "--help of " + command);
            }
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }
}
