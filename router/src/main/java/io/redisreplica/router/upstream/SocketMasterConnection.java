package io.redisreplica.router.upstream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.tls.SocketFactory;
import io.redisreplica.router.tls.TlsContexts;

/** A {@link MasterConnection} over TCP, or TLS over TCP. */
final class SocketMasterConnection implements MasterConnection {
    private static final int CONNECT_TIMEOUT_MS = 5000;
    /** Until the stream loop sets its tick: a master that stops answering the handshake is given up after this. */
    private static final int HANDSHAKE_TIMEOUT_MS = 60_000;

    private final String host;
    private final int port;
    private final SocketFactory sockets;
    /**
     * Made before the connect, so a close from another thread can end a connect that hangs; with
     * TLS the plain socket under it, whose close ends a blocked TLS read at once.
     */
    private final Socket socket = new Socket();
    private InputStream in;
    private OutputStream out;

    private SocketMasterConnection(String host, int port, SocketFactory sockets) {
        this.host = host;
        this.port = port;
        this.sockets = sockets;
    }

    /** Connections to the address each attempt names, plain or TLS as {@code sockets} makes them. */
    static MasterConnection.Connector connector(SocketFactory sockets) {
        return address -> new SocketMasterConnection(address.host(), address.port(), sockets);
    }

    /** How the config says to connect to the master: TLS ({@code upstream-tls yes}, its files loaded now) or plain. */
    static SocketFactory sockets(RouterConfig config) throws IOException {
        return config.upstreamTls() ? SocketFactory.of(new TlsContexts(config.tls(), "upstream")) : SocketFactory.plain();
    }

    @Override
    public void connect() throws IOException {
        // a TLS handshake is bounded by the connect timeout; the TLS socket reads through this one, so its timeouts apply
        final Socket io = sockets.connect(socket, host, port, CONNECT_TIMEOUT_MS, "master " + host + ":" + port);
        socket.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
        in = new BufferedInputStream(io.getInputStream(), 64 * 1024);
        out = io.getOutputStream();
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already failing, or closing to wake the link
        }
    }
}
