package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.TlsCertificates;

/**
 * A tool's TLS handshake error names the option the CA file came from: {@code --cacert} when the
 * operator gave it on the command line, {@code tls-ca-cert-file} when it came from the config, and
 * {@code --cacert} as the thing to set when there is neither. Against a real TLS redis-server whose
 * certificate another CA signed.
 */
class TlsOptionsIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldNameTheOptionTheCaFileCameFromWhenTheServersCertificateIsSignedByAnotherCa() throws Exception {
        final TlsCertificates ours = TlsCertificates.create(dir.resolve("ours"));
        final TlsCertificates stranger = TlsCertificates.create(dir.resolve("stranger"));
        final RedisServer server = redis.startTls(stranger, Map.of("tls-auth-clients", "no"));
        final String failed = "TLS handshake with server 127.0.0.1:" + server.tlsPort() + " failed: the certificate it presented is not "
            + "signed by a CA in ";
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:1\nupstream-tls yes\njournal " + dir.resolve("journal") + "\ntls-ca-cert-file "
            + ours.caCert() + "\nshard a 127.0.0.1:2 prefix=a\n", "test");

        final TlsOptions fromCommandLine = new TlsOptions();
        fromCommandLine.tls = true;
        fromCommandLine.cacert = ours.caCert();
        assertEquals(failed + "--cacert " + ours.caCert(), handshakeError(fromCommandLine, config, server));

        final TlsOptions fromConfig = new TlsOptions();
        fromConfig.tls = true;
        assertEquals(failed + "tls-ca-cert-file " + ours.caCert(), handshakeError(fromConfig, config, server));

        final TlsOptions neither = new TlsOptions();
        neither.tls = true;
        assertEquals(failed + "the JDK's trust store (set --cacert)", handshakeError(neither, null, server));
    }

    private static String handshakeError(TlsOptions options, RouterConfig config, RedisServer server) throws IOException {
        final IOException e = assertThrows(IOException.class, () -> {
            try (Socket s = new Socket()) {
                options.sockets(false, config).connect(s, "127.0.0.1", server.tlsPort(), 5000, "server 127.0.0.1:" + server.tlsPort());
            }
        });
        return e.getMessage();
    }
}
