package io.redisreplica.router.tls;

/**
 * How the operator named the files of a {@link TlsSettings}, for the errors that say what to fix:
 * the config's directives, or a tool's command-line options when the files came from there (an
 * error that says {@code tls-ca-cert-file X} sends the operator to a config line that is not the
 * one to change when {@code X} came from {@code --cacert}).
 *
 * @param caCert the name of the CA file ({@code tls-ca-cert-file}, {@code --cacert}); when there is
 *     none, what to set
 * @param connectCert the name of the certificate shown when connecting ({@code tls-cert-file/tls-client-cert-file},
 *     {@code --cert})
 */
public record TlsOptionNames(String caCert, String connectCert) {
    /** The config's directives. */
    public static final TlsOptionNames CONFIG = new TlsOptionNames("tls-ca-cert-file", "tls-cert-file/tls-client-cert-file");
}
