package io.redisreplica.router.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.TlsCertificates;

/** Keys in each PEM form openssl writes, a certificate replaced on disk, and files that do not load. */
class TlsContextsTest {
    /** One CA for the class: openssl's RSA keys take a while on a busy machine. */
    @TempDir
    static Path dir;
    private static TlsCertificates certs;

    @BeforeAll
    static void createCertificates() {
        certs = TlsCertificates.create(dir);
    }

    private static TlsSettings server(Path cert, Path key, Path ca) {
        return new TlsSettings(cert, key, ca, null, null, TlsSettings.ClientAuth.YES, false);
    }

    @Test
    void shouldReadPkcs8Pkcs1AndSec1Keys() throws Exception {
        for (TlsCertificates.KeyForm form : TlsCertificates.KeyForm.values()) {
            final TlsCertificates.Issued issued = certs.issue("k-" + form, 1, form);
            final String header = Files.readAllLines(issued.key()).get(0);
            assertTrue(header.contains(switch (form) {
                case PKCS8 -> "BEGIN PRIVATE KEY";
                case PKCS1_RSA -> "BEGIN RSA PRIVATE KEY";
                case SEC1_EC -> "BEGIN EC PRIVATE KEY";
            }), form + ": " + header);
            final String algorithm = PemFiles.privateKey(Files.readAllBytes(issued.key()), "k").getAlgorithm();
            assertEquals(form == TlsCertificates.KeyForm.SEC1_EC ? "EC" : "RSA", algorithm, form.toString());
            new TlsContexts(server(issued.cert(), issued.key(), certs.caCert()), "test").server();
        }
    }

    @Test
    void shouldBuildANewContextOnlyWhenAFileChanged() throws Exception {
        final Path cert = dir.resolve("live.crt");
        final Path key = dir.resolve("live.key");
        Files.copy(certs.server().cert(), cert);
        Files.copy(certs.server().key(), key);
        final TlsContexts contexts = new TlsContexts(server(cert, key, certs.caCert()), "test");
        final SSLContext first = contexts.server();
        assertSame(first, contexts.server(), "unchanged files: the same context");
        final TlsCertificates.Issued next = certs.issue("next", 1, TlsCertificates.KeyForm.PKCS8);
        Files.copy(next.key(), key, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(next.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
        assertNotSame(first, contexts.server(), "a replaced certificate: a new context");
    }

    @Test
    void shouldKeepTheLastGoodContextWhenChangedFilesDoNotLoad() throws Exception {
        final Path key = dir.resolve("kept.key");
        Files.copy(certs.server().key(), key);
        final TlsContexts contexts = new TlsContexts(server(certs.server().cert(), key, certs.caCert()), "test");
        final SSLContext good = contexts.server();
        Files.writeString(key, "not a key\n");
        assertSame(good, contexts.server());
    }

    @Test
    void shouldSayWhichFileIsWrongAtStart() throws Exception {
        final Path encrypted = dir.resolve("enc.key");
        final Process p = new ProcessBuilder("openssl", "pkey", "-in", certs.server().key().toString(), "-aes256", "-passout", "pass:x",
            "-out", encrypted.toString()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor());
        assertEquals("test: TLS: " + encrypted + ": the private key is encrypted; give it unencrypted, as Redis takes it (openssl pkey -in "
            + encrypted + " -out plain.key)", assertThrows(IOException.class,
            () -> new TlsContexts(server(certs.server().cert(), encrypted, certs.caCert()), "test")).getMessage());
        final Path missing = dir.resolve("missing.crt");
        assertTrue(assertThrows(IOException.class, () -> new TlsContexts(server(missing, certs.server().key(), certs.caCert()), "test"))
            .getMessage().startsWith("test: TLS: cannot read " + missing));
        assertEquals("test: TLS: " + certs.server().key() + ": holds no certificate (expected -----BEGIN CERTIFICATE-----)", assertThrows(IOException.class,
            () -> new TlsContexts(server(certs.server().key(), certs.server().key(), certs.caCert()), "test")).getMessage());
    }
}
