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

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private SocketMasterConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    /** A connector to {@code host:port}. */
    static MasterConnection.Connector to(String host, int port) {
        return () -> {
            final Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
                s.setTcpNoDelay(true);
                s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
                return new SocketMasterConnection(s);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        };
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
