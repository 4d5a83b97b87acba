package io.redisreplica.router.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSL contexts of one {@link TlsSettings}: the listener's (its certificate, and the CAs its
 * clients' certificates must chain to) and the client's (the CAs of the peers, and the
 * certificate it shows). Certificates are rotated without a restart: each new connection asks
 * for the context, which first looks at the files (size, modification time, file identity: a
 * few {@code stat}s) and, when one changed, reads them all again and builds a new context. A
 * set of files that does not load (a key replaced before its certificate) keeps the last good
 * context and logs the reason once per distinct reason; at start the error is thrown. Open
 * connections keep the context they were made with, as in Redis after {@code CONFIG SET tls-*}.
 */
public final class TlsContexts {
    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);
    private static final char[] NO_PASSWORD = new char[0];

    private final TlsSettings settings;
    private final String role;
    private final TlsOptionNames names;
    private List<Object> stamps;
    private SSLContext server;
    private SSLContext client;
    private String lastFailure;

    /**
     * Loads the files at once, so a config with a bad file fails at start.
     *
     * @param role names the user in errors and logs ({@code upstream}, {@code shard ports}, ...)
     * @throws IOException naming the file and what is wrong with it
     */
    public TlsContexts(TlsSettings settings, String role) throws IOException {
        this(settings, role, TlsOptionNames.CONFIG);
    }

    /**
     * As {@link #TlsContexts(TlsSettings, String)}, its handshake errors naming the files as
     * {@code names} says (a tool's {@code --cacert} and {@code --cert} where they came from there).
     */
    public TlsContexts(TlsSettings settings, String role, TlsOptionNames names) throws IOException {
        this.settings = settings;
        this.role = role;
        this.names = java.util.Objects.requireNonNull(names, "names"); // read only when a handshake fails: fail here instead
        reloadIfChanged();
    }

    public TlsSettings settings() {
        return settings;
    }

    /** How its errors name the files. */
    public TlsOptionNames names() {
        return names;
    }

    /** The context a listener uses for its next connection: rebuilt first if a file changed. */
    public synchronized SSLContext server() throws IOException {
        reloadIfChanged();
        if (server == null) {
            throw new IOException(role + ": TLS on a listener needs tls-cert-file and tls-key-file");
        }
        return server;
    }

    /** The context the next outgoing connection uses: rebuilt first if a file changed. */
    public synchronized SSLContext client() throws IOException {
        reloadIfChanged();
        return client;
    }

    private synchronized void reloadIfChanged() throws IOException {
        final List<Object> now = stamps();
        if (now.equals(stamps)) {
            return;
        }
        try {
            final SSLContext newServer = settings.cert() == null ? null : context(settings.cert(), settings.key());
            final SSLContext newClient = context(settings.connectCert(), settings.connectKey());
            final boolean first = stamps == null;
            server = newServer;
            client = newClient;
            stamps = now;
            lastFailure = null;
            if (!first) {
                LOG.info("{}: TLS certificates reloaded (a file changed); new connections use them", role);
            }
        } catch (IOException | GeneralSecurityException e) {
            if (stamps == null) {
                throw new IOException(role + ": TLS: " + e.getMessage(), e);
            }
            final String why = e.getMessage();
            if (!Objects.equals(why, lastFailure)) {
                lastFailure = why;
                LOG.warn("{}: TLS files changed but do not load ({}); new connections keep the certificates loaded before", role, why);
            }
        }
    }

    private SSLContext context(Path cert, Path key) throws IOException, GeneralSecurityException {
        KeyManager[] keys = null;
        if (cert != null) {
            if (key == null) {
                throw new GeneralSecurityException("a certificate (" + cert + ") needs its key file (tls-key-file)");
            }
            final List<X509Certificate> chain = PemFiles.certificates(read(cert), cert.toString());
            final PrivateKey privateKey = PemFiles.privateKey(read(key), key.toString());
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", privateKey, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
            final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, NO_PASSWORD);
            keys = kmf.getKeyManagers();
        }
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (settings.caCert() == null) {
            tmf.init((KeyStore) null); // the JDK's own CAs
        } else {
            final KeyStore cas = KeyStore.getInstance("PKCS12");
            cas.load(null, null);
            int i = 0;
            for (X509Certificate ca : PemFiles.certificates(read(settings.caCert()), settings.caCert().toString())) {
                cas.setCertificateEntry("ca" + i++, ca);
            }
            tmf.init(cas);
        }
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, tmf.getTrustManagers(), null);
        return context;
    }

    private static byte[] read(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e, e);
        }
    }

    /** What tells a changed file: size, modification time and identity (a file renamed into place has another), per file. */
    private List<Object> stamps() {
        final List<Object> out = new ArrayList<>();
        for (Path p : new Path[] {settings.cert(), settings.key(), settings.caCert(), settings.clientCert(), settings.clientKey()}) {
            if (p == null) {
                out.add("-");
                continue;
            }
            try {
                final BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.add(a.size() + "/" + a.lastModifiedTime().toMillis() + "/" + a.lastModifiedTime() + "/" + a.fileKey());
            } catch (IOException e) {
                out.add("missing"); // a file being replaced: the load says what is wrong
            }
        }
        return out;
    }
}
