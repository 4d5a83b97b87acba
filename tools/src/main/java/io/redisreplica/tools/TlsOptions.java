package io.redisreplica.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.tls.SocketFactory;
import io.redisreplica.router.tls.TlsContexts;
import io.redisreplica.router.tls.TlsOptionNames;
import io.redisreplica.router.tls.TlsSettings;
import picocli.CommandLine.Option;

/**
 * The TLS options of the tools that connect to servers, as redis-cli spells them: {@code --tls}
 * connects to every server with TLS; without it the master, its sentinels and the admin port
 * still use TLS when the config says so ({@code upstream-tls}, {@code upstream-sentinel-tls},
 * {@code admin-tls}), as the router does. The files, for every one of them, default to the
 * config's ({@code tls-ca-cert-file}; {@code tls-client-cert-file} or {@code tls-cert-file} and
 * their keys), so on the router's host {@code --tls} alone is enough. A handshake's error names
 * the option a file came from ({@code --cacert FILE} or {@code tls-ca-cert-file FILE}).
 */
final class TlsOptions {
    @Option(names = "--tls", description = "Connect to every server with TLS (the master, its sentinels and the admin port also when "
        + "the config's upstream-tls / upstream-sentinel-tls / admin-tls say so, without this).")
    boolean tls;

    @Option(names = "--cacert", paramLabel = "FILE", description = "CA certificate(s), PEM, that sign the servers' certificates "
        + "(the sentinels' too). Default: the config's tls-ca-cert-file, else the JDK's CAs.")
    Path cacert;

    @Option(names = "--cert", paramLabel = "FILE", description = "Client certificate, PEM, for servers that require one. "
        + "Default: the config's tls-client-cert-file or tls-cert-file.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "The private key of --cert (PEM: PKCS#8, PKCS#1 or SEC1, unencrypted).")
    Path key;

    private TlsContexts contexts;

    /**
     * How to connect to a server.
     *
     * @param configSays the config's switch for this end ({@code upstream-tls}, {@code admin-tls}); false for servers named on the command line
     * @param cfg the router's config (its tls-* files are the defaults), or null
     */
    SocketFactory sockets(boolean configSays, RouterConfig cfg) throws IOException {
        if (!tls && !configSays) {
            return SocketFactory.plain();
        }
        if (contexts == null) {
            final TlsSettings fromConfig = cfg == null || cfg.tls() == null ? TlsSettings.none() : cfg.tls();
            final Path ca = cacert != null ? cacert : fromConfig.caCert();
            final Path clientCert = cert != null ? cert : fromConfig.clientCert() != null ? fromConfig.clientCert() : fromConfig.cert();
            final Path clientKey = cert != null ? key : fromConfig.clientCert() != null ? fromConfig.clientKey() : fromConfig.key();
            if ((clientCert == null) != (clientKey == null)) {
                throw new IOException("--cert and --key go together (a certificate and its private key)");
            }
            // errors name the option each file came from: the command line's, else the config's (the command line's when neither)
            final String caName = cacert == null && fromConfig.caCert() != null ? "tls-ca-cert-file" : "--cacert";
            final String certName = cert != null || clientCert == null ? "--cert"
                : fromConfig.clientCert() != null ? "tls-client-cert-file" : "tls-cert-file";
            contexts = new TlsContexts(new TlsSettings(null, null, ca, clientCert, clientKey, TlsSettings.ClientAuth.NO,
                fromConfig.verifyHostname()), "TLS", new TlsOptionNames(caName, certName));
        }
        return SocketFactory.of(contexts);
    }

    /**
     * How to ask the config's sentinels for the master: TLS with these options' files when
     * {@code --tls} or {@code upstream-sentinel-tls} says so, as {@link #sockets} reaches the master.
     */
    SocketFactory sentinelSockets(RouterConfig cfg) throws IOException {
        return sockets(cfg.sentinels() != null && cfg.sentinels().tls(), cfg);
    }

    /** These options as arguments, for a command that runs another (cutover's compare). */
    List<String> args() {
        final List<String> args = new ArrayList<>();
        if (tls) {
            args.add("--tls");
        }
        for (Object[] o : new Object[][] {{"--cacert", cacert}, {"--cert", cert}, {"--key", key}}) {
            if (o[1] != null) {
                args.add((String) o[0]);
                args.add(o[1].toString());
            }
        }
        return args;
    }
}
