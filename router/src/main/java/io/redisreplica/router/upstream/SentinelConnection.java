package io.redisreplica.router.upstream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.RespError;
import io.redisreplica.resp.RespReplies;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.config.HostPort;
import io.redisreplica.router.config.UpstreamSentinels;

/**
 * A client connection to one Sentinel: connect, AUTH with the sentinel credentials, then commands
 * and their replies ({@link RespReplies}), or the messages of a subscription. {@link #close()} may
 * come from another thread, to end a read that waits.
 */
final class SentinelConnection implements AutoCloseable {
    static final int CONNECT_TIMEOUT_MS = 2000;

    private final HostPort address;
    private final Socket socket = new Socket();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final RespWriter writer = new RespWriter();
    private OutputStream out;
    private RespReplies replies;

    SentinelConnection(HostPort address) {
        this.address = address;
    }

    HostPort address() {
        return address;
    }

    /** Connects and authenticates; replies wait at most {@code readTimeoutMs}. */
    SentinelConnection open(UpstreamSentinels sentinels, int readTimeoutMs) throws IOException {
        socket.connect(new InetSocketAddress(address.host(), address.port()), CONNECT_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(readTimeoutMs);
        out = socket.getOutputStream();
        replies = new RespReplies(new BufferedInputStream(socket.getInputStream(), 16 * 1024), "sentinel " + address, 1 << 20, false);
        if (sentinels.password() != null) {
            final Object auth = sentinels.user() == null ? call("AUTH", sentinels.password())
                : call("AUTH", sentinels.user(), sentinels.password());
            if (auth instanceof RespError e) {
                // the reply names no password; the command's arguments are never echoed
                throw new IOException("sentinel " + address + " refused AUTH: " + e.message());
            }
        }
        return this;
    }

    /** Sends a command and reads its reply (an error reply is a {@link RespError}). */
    Object call(String... args) throws IOException {
        send(args);
        return read();
    }

    void send(String... args) throws IOException {
        final int length = writer.wrap(buffer, 0).command(args).length();
        out.write(buffer.byteArray(), 0, length);
        out.flush();
    }

    Object read() throws IOException {
        return replies.read();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing to wake a read, or already failing
        }
    }
}
