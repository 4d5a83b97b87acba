package io.redisreplica.client;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import io.redisreplica.testkit.TlsCertificates;

/**
 * What an application builds to reach TLS servers with the JDK alone: a context trusting the test
 * CA and showing a client certificate whose key is PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA), for
 * servers with {@code tls-auth-clients yes}.
 */
final class TestTls {
    private TestTls() {
    }

    static SSLSocketFactory sockets(TlsCertificates certs, TlsCertificates.Issued client) throws Exception {
        final CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        final KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certs.caCert())) {
            trust.setCertificateEntry("ca", x509.generateCertificate(in));
        }
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        final KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
        keys.load(null, null);
        final Certificate cert;
        try (InputStream in = Files.newInputStream(client.cert())) {
            cert = x509.generateCertificate(in);
        }
        keys.setKeyEntry("client", pkcs8(client.key()), new char[0], new Certificate[] {cert});
        final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private static PrivateKey pkcs8(Path pem) throws Exception {
        final String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
