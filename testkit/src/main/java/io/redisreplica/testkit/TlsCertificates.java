package io.redisreplica.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA and certificates it signs, made with {@code openssl} in a temp dir: what TLS tests
 * give {@code redis-server} ({@link #redisConfig(Issued)}) and the router. Every certificate it
 * issues names {@code 127.0.0.1} and {@code localhost} (subjectAltName), so hostname
 * verification passes on loopback. Keys come in the three PEM forms OpenSSL writes, so every
 * reader is exercised: the CA's PKCS#8 ({@code BEGIN PRIVATE KEY}), {@link #server()}'s PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}), {@link #client()}'s SEC1 ({@code BEGIN EC PRIVATE KEY}).
 *
 * <pre>{@code
 * TlsCertificates certs = TlsCertificates.create(tempDir);
 * RedisServer master = redis.startTls(certs, Map.of());        // tls-port with certs.server()
 * TlsCertificates.Issued expired = certs.issue("old", -1, KeyForm.PKCS8);
 * TlsCertificates other = TlsCertificates.create(otherDir);     // a CA nobody trusts
 * }</pre>
 */
public final class TlsCertificates {
    private static final String OPENSSL = "openssl";

    /** How a key file is written. */
    public enum KeyForm { PKCS8, PKCS1_RSA, SEC1_EC }

    /** A certificate signed by the CA, and its private key. */
    public record Issued(Path cert, Path key) {
    }

    private final Path dir;
    private final Path caCert;
    private final Path caKey;
    private final Issued server;
    private final Issued client;
    /** The test's own TLS client ({@link #clientSockets()}), made on first use. */
    private SSLSocketFactory clientSockets;

    private TlsCertificates(Path dir) {
        this.dir = dir;
        this.caKey = dir.resolve("ca.key");
        this.caCert = dir.resolve("ca.crt");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out", caCert.toString(),
            "-subj", "/CN=redis-replica test CA " + dir.getFileName(), "-days", "30");
        this.server = issue("server", 30, KeyForm.PKCS1_RSA);
        this.client = issue("client", 30, KeyForm.SEC1_EC);
    }

    /** A new CA in {@code dir} (created if needed) with a server and a client certificate. */
    public static TlsCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TlsCertificates(dir);
    }

    public Path caCert() {
        return caCert;
    }

    /** The certificate servers show (a PKCS#1 RSA key). */
    public Issued server() {
        return server;
    }

    /** The certificate clients show (a SEC1 EC key). */
    public Issued client() {
        return client;
    }

    /**
     * TLS for the test's own clients ({@link RedisClient}) of servers that listen on their TLS port
     * only: trusts this CA and shows a certificate it signs (PKCS#8 RSA, which the JDK reads as it
     * is; issued on first use), for {@code tls-auth-clients yes}. The hostname is not checked.
     */
    public synchronized SSLSocketFactory clientSockets() {
        if (clientSockets == null) {
            clientSockets = clientSockets(issue("testkit-client", 30, KeyForm.PKCS8));
        }
        return clientSockets;
    }

    /**
     * TLS that trusts this CA and shows {@code client}, a certificate it issued with a PKCS#8 key
     * ({@link KeyForm#PKCS8}), built with the JDK alone, as an application would.
     */
    public SSLSocketFactory clientSockets(Issued client) {
        try {
            final CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            final KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(caCert)) {
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
            final String base64 = Files.readString(client.key()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            final PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                .decode(base64)));
            keys.setKeyEntry("client", key, new char[0], new Certificate[] {cert});
            final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS client for " + client.cert() + ": " + e, e);
        }
    }

    /**
     * A new certificate signed by this CA, valid for {@code days} from now; {@code -1} gives one that
     * has already expired (its notAfter a day before its notBefore).
     */
    public Issued issue(String name, int days, KeyForm form) {
        final Path key = dir.resolve(name + ".key");
        final Path csr = dir.resolve(name + ".csr");
        final Path cert = dir.resolve(name + ".crt");
        switch (form) {
            case PKCS8 -> openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
            case PKCS1_RSA -> openssl(dir, "genrsa", "-traditional", "-out", key.toString(), "2048");
            case SEC1_EC -> openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
        }
        openssl(dir, "req", "-new", "-key", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + name);
        final Path ext = dir.resolve(name + ".ext");
        write(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(), "-CAcreateserial",
            "-out", cert.toString(), "-days", Integer.toString(days), "-extfile", ext.toString());
        return new Issued(cert, key);
    }

    /**
     * The {@code redis.conf} lines of a TLS server showing {@code cert} (also its client
     * certificate, for {@code tls-replication yes}), trusting this CA and requiring client
     * certificates. {@code tls-port} is added by {@link RedisServers#startTls}.
     */
    public Map<String, String> redisConfig(Issued cert) {
        final Map<String, String> conf = new LinkedHashMap<>();
        conf.put("tls-cert-file", cert.cert().toString());
        conf.put("tls-key-file", cert.key().toString());
        conf.put("tls-ca-cert-file", caCert.toString());
        conf.put("tls-auth-clients", "yes");
        return conf;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void openssl(Path dir, String... args) {
        final List<String> command = new ArrayList<>();
        command.add(OPENSSL);
        command.addAll(List.of(args));
        final Path log = dir.resolve("openssl.log");
        try {
            final Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("openssl failed: " + String.join(" ", command) + "\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (is it installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
