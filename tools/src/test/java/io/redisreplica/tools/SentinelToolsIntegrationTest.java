package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.SentinelGroup;
import io.redisreplica.testkit.TlsCertificates;

/**
 * The tools with a config whose master is named by sentinels ({@code upstream-sentinel}, no
 * {@code upstream} line): {@code status} and {@code compare} reach the master the sentinels name,
 * not the default 127.0.0.1:6379; Sentinels that listen with TLS only are asked with the tools'
 * {@code --cacert} (over the config's {@code tls-ca-cert-file}), and asked in plain they fail
 * with a hint to set {@code upstream-sentinel-tls}.
 */
class SentinelToolsIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldReachTheMasterTheSentinelsName() throws Exception {
        final RedisServer master = redis.start();
        final SentinelGroup sentinels = SentinelGroup.start(redis, "m", master, 1);
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        Files.writeString(shards.config, Files.readString(shards.config)
            .replace("upstream 127.0.0.1:" + master.port(), "upstream-sentinel m " + sentinels.addresses()));
        shards.admin();
        final RouterProcess routers = new RouterProcess(dir);
        final Process router = routers.start(shards.config);
        try {
            final List<RedisServer> replicas = shards.replicas(redis);
            try (RedisClient c = master.client()) {
                for (int i = 0; i < 200; i++) {
                    c.call("SET", "k" + i, "v" + i);
                }
            }
            final Cli status = Cli.run("status", "-c", shards.config.toString(), "--wait-synced", "--timeout", "30s");
            assertEquals(0, status.exit(), status.out() + status.err());
            final Cli compare = Cli.run("compare", "-c", shards.config.toString(), "-s", "s0=127.0.0.1:" + replicas.get(0).port(), "-s",
                "s1=127.0.0.1:" + replicas.get(1).port(), "--quiet");
            assertEquals(0, compare.exit(), compare.out() + compare.err());
            assertTrue(compare.out().contains("200"), compare.out());
            assertTrue(Files.readString(routers.log(0)).contains("master m (as its sentinels name it"), Files.readString(routers.log(0)));
        } finally {
            router.destroyForcibly();
            router.waitFor();
        }
    }

    @Test
    void shouldAskTlsOnlySentinelsWithTheCommandLinesCaCertAndHintAtUpstreamSentinelTlsWhenAskedInPlain() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final TlsCertificates stranger = TlsCertificates.create(dir.resolve("stranger"));
        final RedisServer master = redis.startTls(certs, Map.of("tls-replication", "yes"));
        final SentinelGroup sentinels = SentinelGroup.startTlsOnly(redis, "m", master, 1, certs);
        final List<RedisServer> targets = List.of(redis.start(), redis.start());
        // the same keys on the master and, each by its slot, on the two targets: compare passes once it reaches the master
        try (RedisClient m = master.client(); RedisClient t0 = targets.get(0).client(); RedisClient t1 = targets.get(1).client()) {
            for (int i = 0; i < 50; i++) {
                final String key = "k" + i;
                m.call("SET", key, "v" + i);
                (TwoSlotShards.shardOf(key.getBytes(StandardCharsets.UTF_8)) == 0 ? t0 : t1).call("SET", key, "v" + i);
            }
        }
        final String shards = "journal " + dir.resolve("journal") + "\nshard s0 127.0.0.1:" + FreePort.find() + " slots=0-8191\n"
            + "shard s1 127.0.0.1:" + FreePort.find() + " slots=8192-16383\n";
        final String client = "tls-client-cert-file " + certs.client().cert() + "\ntls-client-key-file " + certs.client().key() + "\n";
        // the config of a host whose tls-ca-cert-file does not sign these servers: --cacert must stand in for it, for the sentinels too
        final Path config = Files.writeString(dir.resolve("tools.conf"), "upstream-sentinel m " + sentinels.addresses()
            + "\nupstream-sentinel-tls yes\nupstream-tls yes\ntls-ca-cert-file " + stranger.caCert() + "\n" + client + shards);
        final String[] targetArgs = {"-s", "s0=127.0.0.1:" + targets.get(0).port(), "-s", "s1=127.0.0.1:" + targets.get(1).port(), "--quiet"};

        final Cli withConfigsCa = Cli.run(args(List.of("compare", "-c", config.toString()), targetArgs));
        assertEquals(4, withConfigsCa.exit(), withConfigsCa.out() + withConfigsCa.err());
        assertTrue(withConfigsCa.err().contains("TLS handshake with sentinel " + sentinels.addresses() + " failed: the certificate it "
            + "presented is not signed by a CA in tls-ca-cert-file " + stranger.caCert()), withConfigsCa.err());
        final Cli withCacert = Cli.run(args(List.of("compare", "-c", config.toString(), "--cacert", certs.caCert().toString()), targetArgs));
        assertEquals(0, withCacert.exit(), withCacert.out() + withCacert.err());
        assertTrue(withCacert.out().contains("50"), withCacert.out());

        final Path plain = Files.writeString(dir.resolve("plain-sentinels.conf"), "upstream-sentinel m " + sentinels.addresses()
            + "\nupstream-tls yes\ntls-ca-cert-file " + certs.caCert() + "\n" + client + shards);
        final Cli inPlain = Cli.run(args(List.of("compare", "-c", plain.toString()), targetArgs));
        assertEquals(4, inPlain.exit(), inPlain.out() + inPlain.err());
        assertTrue(inPlain.err().contains("error: no sentinel named the master m; " + sentinels.addresses() + ": ")
            && inPlain.err().contains(" (is the sentinel TLS-only? set upstream-sentinel-tls yes)"), inPlain.err());
    }

    private static String[] args(List<String> first, String[] rest) {
        final List<String> all = new java.util.ArrayList<>(first);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }
}
