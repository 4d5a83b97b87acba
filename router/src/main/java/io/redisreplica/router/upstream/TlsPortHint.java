package io.redisreplica.router.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;

import io.redisreplica.resp.RespProtocolException;

/**
 * Whether a connection's first exchange, made in plain, failed as a TLS-only port fails a plain
 * client: Redis's {@code tls-port} takes the command for a bad TLS record and drops the connection
 * (a reset, or the end of the stream), another TLS server answers with an alert, which is not
 * RESP. Without a hint the operator reads "Connection reset" and looks for a network fault.
 */
final class TlsPortHint {
    /** What a plain question to a TLS-only sentinel is told. */
    static final String SENTINEL = " (is the sentinel TLS-only? set upstream-sentinel-tls yes)";
    /** What a plain link to a TLS-only master is told. */
    static final String MASTER = " (is the master TLS-only? set upstream-tls yes)";

    private TlsPortHint() {
    }

    /**
     * How {@code e} (one {@link #looksLikeTlsPort} accepts) ended the exchange, in a few fixed words:
     * {@code connection reset}, {@code connection closed} or {@code not RESP}. A proxy or load
     * balancer with no backend ends a connection the same way, so the operator needs it beside the
     * hint; and fixed words, not the exception's own text, keep a fault that lasts one message
     * (logged once) whichever way each retry happens to end.
     */
    static String how(IOException e) {
        if (e.getCause() instanceof RespProtocolException) {
            return "not RESP";
        }
        // a reset, or a broken pipe: the peer dropped the connection with our command unread
        return e instanceof SocketException ? "connection reset" : "connection closed";
    }

    /** {@code e}, the failure of a plain connection's first exchange, looks like a TLS-only port's doing. */
    static boolean looksLikeTlsPort(IOException e) {
        if (e instanceof EOFException || e.getCause() instanceof RespProtocolException) {
            return true;
        }
        final String message = String.valueOf(e.getMessage());
        // the master handshake's own words for the end of the stream
        if (message.startsWith("master closed the connection during ")) {
            return true;
        }
        // a refused connect is a SocketException too: nothing listens there, TLS or not
        return e instanceof SocketException && !(e instanceof ConnectException)
            && (message.contains("Connection reset") || message.contains("Broken pipe"));
    }
}
