package io.redisreplica.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.server.ConnectionType;
import io.redisreplica.server.ReplicationBacklog;
import io.redisreplica.server.ReplicationServer;
import io.redisreplica.server.ServerContext;
import io.redisreplica.server.ServerListener;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.TlsCertificates;

/** A real redis-server replica with {@code tls-replication yes} served over {@link ConnectionType#tls}, client certificates required. */
class TlsReplicationIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private final List<String> errors = new CopyOnWriteArrayList<>();

    /** The server's certificate and key (PKCS#8 PEM) and the CA it trusts for client certificates, as an SSLContext. */
    private static SSLContext sslContext(TlsCertificates certs, TlsCertificates.Issued issued) throws Exception {
        final CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        final Certificate cert;
        final Certificate ca;
        try (InputStream in = Files.newInputStream(issued.cert()); InputStream caIn = Files.newInputStream(certs.caCert())) {
            cert = x509.generateCertificate(in);
            ca = x509.generateCertificate(caIn);
        }
        final String pem = Files.readString(issued.key(), StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----|\\s", "");
        final PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        final char[] password = "test".toCharArray();
        final KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", key, password, new Certificate[] {cert, ca});
        final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        final KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca);
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    @Test
    void shouldServeATlsReplicaTheSnapshotAndTheStreamAndCountAPlainClientAsAProtocolFailure() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("tls"));
        final SSLContext tls = sslContext(certs, certs.issue("replication-server", 30, TlsCertificates.KeyForm.PKCS8));
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 10));
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).connectionType(ConnectionType.tls(tls, true))
            .listener(new ServerListener() {
                @Override
                public void onError(String where, Throwable error, boolean fatal) {
                    errors.add(where + ": " + error);
                }
            }))) {
            final RedisServer replica = redis.startTls(certs, Map.of("tls-replication", "yes", "replicaof", "127.0.0.1 " + server.port()));
            replica.awaitReplicaInSync(30_000);
            backlog.appendCommand("SET", "after", "the snapshot, over TLS");
            Await.until("the stream on the replica", () -> {
                try (RedisClient c = replica.client()) {
                    return "the snapshot, over TLS".equals(c.callString("GET", "after"));
                }
            }, 20_000);
            try (RedisClient c = replica.client()) {
                assertEquals("value-3", c.callString("GET", "k:3"), "the snapshot's keys");
            }
            try (Socket plain = new Socket("127.0.0.1", server.port())) {
                plain.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                Await.until("the plain client refused in its handshake", () -> server.protocolFailures() == 1);
            }
            assertEquals(1, server.replicas().size(), "the TLS replica streams on");
        }
        assertEquals(List.of(), errors);
    }
}
