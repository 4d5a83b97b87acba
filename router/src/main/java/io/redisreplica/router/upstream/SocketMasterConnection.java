package io.redisreplica.router.upstream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A {@link MasterConnection} over TCP. */
final class SocketMasterConnection implements MasterConnection {
    private static final int CONNECT_TIMEOUT_MS = 5000;
    /** Until the stream loop sets its tick: a master that stops answering the handshake is given up after this. */
    private static final int HANDSHAKE_TIMEOUT_MS = 60_000;

    private final String host;
    private final int port;
    /** Made before the connect, so a close from another thread can end a connect that hangs. */
    private final Socket socket = new Socket();
    private InputStream in;
    private OutputStream out;

    private SocketMasterConnection(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Connections over TCP to the address each attempt names. */
    static MasterConnection.Connector connector() {
        return address -> new SocketMasterConnection(address.host(), address.port());
    }

    @Override
    public void connect() throws IOException {
        socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
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
