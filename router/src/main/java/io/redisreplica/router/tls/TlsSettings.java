package io.redisreplica.router.tls;

import java.nio.file.Path;

/**
 * The TLS files and choices of a config, named as Redis names them ({@code tls-cert-file},
 * {@code tls-key-file}, {@code tls-ca-cert-file}, {@code tls-client-cert-file},
 * {@code tls-client-key-file}, {@code tls-auth-clients}) plus hostname verification, which
 * Redis does not do and is off unless asked for.
 *
 * @param cert the certificate (chain) this side shows: a listener's, and a client's unless
 *     {@code clientCert} is set; null for none
 * @param key the private key of {@code cert} (PEM: PKCS#8, PKCS#1 or SEC1, unencrypted)
 * @param caCert the CAs that sign the peers' certificates; null: the JDK's own trust store
 * @param clientCert the certificate shown when connecting, when it differs from {@code cert}
 * @param clientKey the private key of {@code clientCert}
 * @param authClients whether a listener asks its clients for a certificate
 * @param verifyHostname whether a connection checks that the peer's certificate names the host it dialled
 */
public record TlsSettings(Path cert, Path key, Path caCert, Path clientCert, Path clientKey, ClientAuth authClients,
                          boolean verifyHostname) {
    /** {@code tls-auth-clients}: as Redis, a client certificate is required unless {@code no} or {@code optional}. */
    public enum ClientAuth { YES, NO, OPTIONAL }

    /** No files: a client that trusts the JDK's CAs and shows no certificate. */
    public static TlsSettings none() {
        return new TlsSettings(null, null, null, null, null, ClientAuth.YES, false);
    }

    /** The certificate this side shows when it connects. */
    Path connectCert() {
        return clientCert != null ? clientCert : cert;
    }

    Path connectKey() {
        return clientCert != null ? clientKey : key;
    }
}
