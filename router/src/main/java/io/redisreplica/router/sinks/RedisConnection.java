package io.redisreplica.router.sinks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.RespError;
import io.redisreplica.resp.RespReplies;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.tls.SocketFactory;

/**
 * A small blocking client for the tools and the event sinks, on our own RESP codec: replies are read by {@link
 * RespReplies} (String, Long, List, null). {@link #call} throws an error reply as an {@link
 * IOException}; {@link #send} and {@link #read} pipeline, with errors as {@link RespError} values.
 */
public final class RedisConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ExpandableArrayBuffer send = new ExpandableArrayBuffer(1024);
    private final RespWriter writer = new RespWriter();
    /** Replies decoded but not yet read: a pipeline's replies often arrive in one read. */
    private final RespReplies replies;
    /** The longest reply taken: Redis's proto-max-bulk-len, so any value Redis holds comes whole. */
    private static final int MAX_REPLY = 512 * 1024 * 1024;

    /** A connection whose bulk replies are {@code byte[]} (keys and values as Redis keeps them), not UTF-8 text. */
    public static RedisConnection binary(String host, int port) throws IOException {
        return binary(host, port, SocketFactory.plain(), "redis " + host + ":" + port);
    }

    /** {@link #binary(String, int)}, plain or TLS as {@code sockets} makes the connection. */
    public static RedisConnection binary(String host, int port, SocketFactory sockets, String peer) throws IOException {
        return new RedisConnection(host, port, sockets, peer, true);
    }

    /** Sends one command of binary arguments and reads its reply; an error reply comes back as a {@link RespError}. */
    public Object request(byte[]... args) throws IOException {
        writer.wrap(send, 0).arrayHeader(args.length);
        for (byte[] a : args) {
            writer.bulk(a);
        }
        send(send.byteArray(), 0, writer.position());
        return read();
    }

    public RedisConnection(String host, int port) throws IOException {
        this(host, port, SocketFactory.plain(), "redis " + host + ":" + port);
    }

    /**
     * @param sockets plain, or TLS (the handshake is done here: a wrong CA or an expired
     *     certificate fails this constructor with a message naming {@code peer})
     * @param peer what the server is, in errors ({@code master}, {@code sink audit target}); the address is added
     */
    public RedisConnection(String host, int port, SocketFactory sockets, String peer) throws IOException {
        this(host, port, sockets, peer, false);
    }

    private RedisConnection(String host, int port, SocketFactory sockets, String peer, boolean binary) throws IOException {
        socket = new Socket();
        final String named = peer.endsWith(host + ":" + port) ? peer : peer + " " + host + ":" + port;
        try {
            final Socket io = sockets.connect(socket, host, port, 5_000, named);
            socket.setSoTimeout(60_000);
            in = io.getInputStream();
            out = io.getOutputStream();
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        replies = new RespReplies(in, named, MAX_REPLY, binary);
    }

    /** Sends bytes already encoded as RESP (a pipeline); read the replies with {@link #read()}. */
    public void send(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        out.flush();
    }

    /** Reads one reply; an error reply comes back as a {@link RespError}, not thrown. */
    public Object read() throws IOException {
        return replies.read();
    }

    /** Sends one command and reads its reply; an error reply comes back as a {@link RespError}. */
    public Object request(String... args) throws IOException {
        writer.wrap(send, 0).command(args);
        send(send.byteArray(), 0, writer.length());
        return read();
    }

    /** Sends one command and reads its reply; an error reply is thrown. */
    public Object call(String... args) throws IOException {
        final Object reply = request(args);
        if (reply instanceof RespError e) {
            throw new IOException(e.message());
        }
        return reply;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static String describe(Object reply) {
        return reply instanceof String s ? s : String.valueOf(reply);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
