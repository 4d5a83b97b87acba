package io.redisreplica.resp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * How a {@link RespClient}'s socket is connected: plain TCP, or TLS layered over it. The plain
 * socket is made by the caller and kept by it, so that closing it from another thread ends a
 * connect, a handshake or a read that hangs (closing the TLS socket itself would wait to send its
 * close_notify). The router's own TLS configuration ({@code router.tls.SocketFactory}) is one.
 */
@FunctionalInterface
public interface Dialer {
    /** Plain TCP, without Nagle's delay (a command's reply is waited for). */
    Dialer PLAIN = (socket, host, port, timeoutMillis, peer) -> {
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        socket.setTcpNoDelay(true);
        return socket;
    };

    /**
     * Connects {@code socket} to {@code host:port} and, over TLS, does the handshake, each within
     * {@code timeoutMillis}.
     *
     * @param peer names the server in errors ({@code master 10.0.0.5:6379})
     * @return the socket to read and write: {@code socket} itself, or the TLS socket over it
     */
    Socket connect(Socket socket, String host, int port, int timeoutMillis, String peer) throws IOException;

    /**
     * TLS with {@code factory}'s context over a plain connection.
     *
     * @param verifyHostname the certificate must name the host dialled (RFC 2818), as a browser checks
     */
    static Dialer tls(SSLSocketFactory factory, boolean verifyHostname) {
        return (socket, host, port, timeoutMillis, peer) -> {
            PLAIN.connect(socket, host, port, timeoutMillis, peer);
            final SSLSocket ssl = (SSLSocket) factory.createSocket(socket, host, port, true);
            ssl.setUseClientMode(true);
            if (verifyHostname) {
                final SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(params);
            }
            final int before = socket.getSoTimeout();
            socket.setSoTimeout(timeoutMillis);
            try {
                ssl.startHandshake();
            } catch (SocketTimeoutException e) {
                // a plain Redis port takes the TLS hello for the start of a command and waits for its end
                throw new SocketTimeoutException("TLS handshake with " + peer + " failed: no answer within " + timeoutMillis
                    + " ms (it does not speak TLS on that port, or is stuck)");
            } catch (IOException e) {
                throw new IOException("TLS handshake with " + peer + " failed: " + e.getMessage(), e);
            }
            socket.setSoTimeout(before);
            return ssl;
        };
    }
}
