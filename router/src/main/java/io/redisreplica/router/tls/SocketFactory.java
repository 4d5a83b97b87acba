package io.redisreplica.router.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.redisreplica.resp.Dialer;

/**
 * How a connection's socket is made: plain TCP, or TLS over it with the current context of a
 * {@link TlsContexts}. One instance per link, listener or sink; safe from any thread.
 *
 * <p>The TLS socket is layered over a plain one, which the caller keeps: closing that plain
 * socket from another thread ends a blocked read or write of the TLS one at once (closing the
 * TLS socket itself would wait for a write blocked on a peer that stopped reading, to send its
 * close_notify).
 *
 * <p>A {@link Dialer}: the {@code RespClient}s of the sinks, the tools and the upstream link's
 * side conversations connect through it, with its hostname check and its sentences for TLS failures.
 */
public final class SocketFactory implements Dialer {
    private static final SocketFactory PLAIN = new SocketFactory(null);

    private final TlsContexts tls;

    private SocketFactory(TlsContexts tls) {
        this.tls = tls;
    }

    public static SocketFactory plain() {
        return PLAIN;
    }

    /** TLS with {@code contexts}; plain when it is null. */
    public static SocketFactory of(TlsContexts contexts) {
        return contexts == null ? PLAIN : new SocketFactory(contexts);
    }

    public boolean isTls() {
        return tls != null;
    }

    /**
     * Connects {@code socket} (made by the caller, so that a close meanwhile ends a connect that
     * hangs) to {@code host:port}, and over TLS does the handshake within {@code timeoutMillis}.
     *
     * @param peer names the peer in errors ({@code master 10.0.0.5:6379})
     * @return the socket to read and write: {@code socket} itself, or the TLS socket over it
     * @throws IOException a handshake's failure as a sentence naming the peer and the reason ({@link TlsFailure})
     */
    @Override
    public Socket connect(Socket socket, String host, int port, int timeoutMillis, String peer) throws IOException {
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        socket.setTcpNoDelay(true);
        if (tls == null) {
            return socket;
        }
        final SSLSocket ssl = (SSLSocket) tls.client().getSocketFactory().createSocket(socket, host, port, true);
        ssl.setUseClientMode(true);
        if (tls.settings().verifyHostname()) {
            final SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host dialled (RFC 2818)
            ssl.setSSLParameters(params);
        }
        final int before = socket.getSoTimeout();
        socket.setSoTimeout(timeoutMillis);
        try {
            ssl.startHandshake();
        } catch (SSLException e) {
            socket.close();
            throw TlsFailure.of(e, peer, tls.settings(), tls.names());
        } catch (SocketTimeoutException e) {
            // a plain Redis port takes the TLS hello for the start of a command and waits for its end
            socket.close();
            throw new SocketTimeoutException("TLS handshake with " + peer + " failed: no answer within " + timeoutMillis
                + " ms (it does not speak TLS on that port, or is stuck)");
        }
        socket.setSoTimeout(before);
        return ssl;
    }

    /**
     * The socket to serve an accepted connection on: itself, or TLS in server mode over it (its
     * handshake runs on the first read, on the connection's own thread, within its read timeout).
     */
    public Socket accept(Socket socket) throws IOException {
        if (tls == null) {
            return socket;
        }
        final SSLSocket ssl = (SSLSocket) tls.server().getSocketFactory().createSocket(socket, null, true);
        ssl.setUseClientMode(false);
        switch (tls.settings().authClients()) {
            case YES -> ssl.setNeedClientAuth(true);
            case OPTIONAL -> ssl.setWantClientAuth(true);
            case NO -> ssl.setNeedClientAuth(false);
        }
        return ssl;
    }

    /** Why a TLS handshake of a connection this factory made or accepted failed, in the config's terms. */
    public String reason(Throwable e) {
        return tls == null ? TlsFailure.reason(e, TlsSettings.none(), TlsOptionNames.CONFIG) : TlsFailure.reason(e, tls.settings(), tls.names());
    }
}
