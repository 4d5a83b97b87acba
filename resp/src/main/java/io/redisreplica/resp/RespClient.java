package io.redisreplica.resp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

import org.agrona.ExpandableArrayBuffer;

/**
 * The one blocking client of the project's side conversations with Redis: the sinks' targets, the
 * tools' masters, shards and admin port, the router's reads of keys on the master and its
 * Sentinels. Connects with a connect timeout, plain or TLS ({@link Dialer}), AUTHs, then sends
 * commands encoded by a {@link RespWriter} into one reused buffer and reads their replies through
 * {@link RespReplies}: a {@code String} (or {@code byte[]} when binary), {@code Long}, {@code
 * List}, null, or a {@link RespError}. Pipelining: write many commands into {@link #pipeline()},
 * {@link #flush()}, then {@link #read()} each reply in order.
 *
 * <p>Not the replication link: its handshake must not read past PSYNC's reply, which this client
 * buffers (see the client module's {@code MasterHandshake}). One thread uses a client; {@link
 * #close()} may come from another, and ends a connect or a read that waits.
 */
public final class RespClient implements AutoCloseable {
    private final RespClientContext context;
    private final String peer;
    /** The plain socket, kept to close: closing it ends a blocked TLS read at once. */
    private final Socket socket = new Socket();
    private final ExpandableArrayBuffer sendBuffer = new ExpandableArrayBuffer(1024);
    private final RespWriter writer = new RespWriter();
    private OutputStream out;
    private RespReplies replies;

    /** A client of {@code context}'s server; nothing is connected until {@link #connect()}. */
    public RespClient(RespClientContext context) {
        this.context = context.conclude();
        this.peer = context.peer();
    }

    /** {@code new RespClient(context).connect()}. */
    public static RespClient open(RespClientContext context) throws IOException {
        return new RespClient(context).connect();
    }

    /**
     * Connects, and AUTHs when the context has a password.
     *
     * @throws IOException the dialer's failure (a TLS one names the peer and why), or the
     *     server's refusal of AUTH (its reply, never the password); the socket is closed
     */
    public RespClient connect() throws IOException {
        try {
            final Socket io = context.dialer().connect(socket, context.host(), context.port(), context.connectTimeoutMillis(), peer);
            socket.setSoTimeout(context.readTimeoutMillis());
            out = io.getOutputStream();
            replies = new RespReplies(io.getInputStream(), peer, context.maxReply(), context.binary());
            if (context.password() != null) {
                auth(context.user(), context.password());
            }
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * AUTH on the open connection (Redis 6 ACL form when {@code user} is set).
     *
     * @throws IOException {@code "PEER refused AUTH: REPLY"}: the server never echoes the
     *     arguments, so the password is in no message
     */
    public void auth(String user, String password) throws IOException {
        final Object reply = user == null ? request("AUTH", password) : request("AUTH", user, password);
        if (reply instanceof RespError e) {
            throw new IOException(peer + " refused AUTH: " + e.message());
        }
    }

    /** The server's name and address, as errors say it. */
    public String peer() {
        return peer;
    }

    /** Sends one command and reads its reply; an error reply comes back as a {@link RespError}. */
    public Object request(String... args) throws IOException {
        writer.wrap(sendBuffer, 0).command(args);
        flush();
        return read();
    }

    /** Sends one command of binary arguments and reads its reply; an error reply comes back as a {@link RespError}. */
    public Object request(byte[]... args) throws IOException {
        writer.wrap(sendBuffer, 0).arrayHeader(args.length);
        for (byte[] a : args) {
            writer.bulk(a);
        }
        flush();
        return read();
    }

    /** Sends one command and reads its reply; an error reply is thrown, its message as the server said it. */
    public Object call(String... args) throws IOException {
        final Object reply = request(args);
        if (reply instanceof RespError e) {
            throw new IOException(e.message());
        }
        return reply;
    }

    /**
     * The writer to encode commands with, at the start of the send buffer (what was written and not
     * flushed is dropped); {@link #flush()} sends them all at once.
     */
    public RespWriter pipeline() {
        return writer.wrap(sendBuffer, 0);
    }

    /** Sends what was written into {@link #pipeline()}. */
    public void flush() throws IOException {
        send(sendBuffer.byteArray(), 0, writer.position());
    }

    /** Sends bytes already encoded as RESP (commands batched by the caller); read their replies with {@link #read()}. */
    public void send(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        out.flush();
    }

    /**
     * Reads the next reply; an error reply comes back as a {@link RespError}, not thrown.
     *
     * @throws java.net.SocketTimeoutException when none is whole within the read timeout
     * @throws java.io.EOFException when the server closed the connection
     * @throws IOException when the bytes are not RESP, or a reply is longer than the context's maxReply
     */
    public Object read() throws IOException {
        return replies.read();
    }

    /** Closes the connection; from any thread, and again. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
