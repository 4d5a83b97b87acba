package io.redisreplica.router.tls;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * A TLS handshake's failure as one sentence that names the peer and says why in the config's
 * terms: the JDK's own message ("PKIX path building failed: ...
 * SunCertPathBuilderException: unable to find valid certification path to requested target")
 * names neither the peer nor the file to fix.
 */
public final class TlsFailure {
    private TlsFailure() {
    }

    /**
     * {@code e} as an {@link SSLHandshakeException} whose message names {@code peer} and the reason
     * (the files as {@code names} says the operator named them); {@code e} is its cause.
     */
    public static SSLHandshakeException of(SSLException e, String peer, TlsSettings settings, TlsOptionNames names) {
        final SSLHandshakeException out = new SSLHandshakeException("TLS handshake with " + peer + " failed: " + reason(e, settings, names));
        out.initCause(e);
        return out;
    }

    /** Why a handshake failed, from the exception's causes, naming the files as {@code names} says. */
    public static String reason(Throwable e, TlsSettings settings, TlsOptionNames names) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CertificateExpiredException) {
                return "the certificate it presented has expired (" + c.getMessage() + ")";
            }
            if (c instanceof CertificateNotYetValidException) {
                return "the certificate it presented is not valid yet (" + c.getMessage() + ")";
            }
            if (c instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return "the certificate it presented has expired";
            }
            if (c instanceof CertificateException && String.valueOf(c.getMessage()).startsWith("No subject alternative")) {
                return "its certificate does not name the host dialled (" + c.getMessage() + "; tls-verify-hostname is on)";
            }
            if (String.valueOf(c.getMessage()).contains("unable to find valid certification path")) {
                return "the certificate it presented is not signed by a CA in "
                    + (settings.caCert() == null ? "the JDK's trust store (set " + names.caCert() + ")" : names.caCert() + " " + settings.caCert());
            }
        }
        final String message = String.valueOf(e.getMessage());
        if (message.contains("bad_certificate") || message.contains("certificate_required") || message.contains("unknown_ca")
            || message.contains("certificate_expired")) {
            return "it refused this side's certificate (" + message + "; check " + names.connectCert() + " against its CA)";
        }
        if (message.contains("Unsupported or unrecognized SSL message") || message.contains("Remote host terminated")) {
            return "it does not speak TLS on that port, or closed the connection in the handshake (" + message + ")";
        }
        return message;
    }
}
