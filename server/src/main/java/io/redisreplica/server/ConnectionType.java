package io.redisreplica.server;

import java.io.IOException;
import java.net.Socket;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * What a replica's accepted connection is served on (Redis's connection types, {@code connection.c}):
 * the TCP socket as it is ({@link #PLAIN}, the default), or TLS over it ({@link #tls}, Redis's
 * {@code tls-replication}), or a layer of the application's own.
 *
 * <pre>{@code
 * new ServerContext().source(backlog).connectionType(ConnectionType.tls(sslContext, false));
 * }</pre>
 */
public interface ConnectionType {
    /** The socket as it is. */
    ConnectionType PLAIN = accepted -> accepted;

    /**
     * The socket to read and write for {@code accepted}: itself, or one layered over it. Called on
     * the replica's session thread; a layer's handshake runs on the first read, within the
     * server's handshake timeout (the server sets its timeouts on {@code accepted}, and closes
     * {@code accepted} to end a blocked read or write at once).
     */
    Socket accept(Socket accepted) throws IOException;

    /** Why the layer's handshake failed, for the log (a TLS layer may say it in its settings' terms); the error itself by default. */
    default String reason(Throwable error) {
        return error.toString();
    }

    /**
     * TLS in server mode with {@code context}'s certificate (and, with {@code needClientAuth},
     * only replicas whose certificate {@code context}'s trust managers accept: Redis's
     * {@code tls-auth-clients yes}).
     */
    static ConnectionType tls(SSLContext context, boolean needClientAuth) {
        return accepted -> {
            final SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(accepted, null, true);
            ssl.setUseClientMode(false);
            ssl.setNeedClientAuth(needClientAuth);
            return ssl;
        };
    }
}
