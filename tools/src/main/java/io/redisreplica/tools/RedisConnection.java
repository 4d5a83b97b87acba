package io.redisreplica.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.RespDecoder;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.resp.RespObjectBuilder;
import io.redisreplica.resp.RespWriter;

/**
 * A small blocking client for the tools, on our own RESP codec: replies are built by {@link
 * RespObjectBuilder} (String, Long, List, null); an error reply is thrown as {@link IOException}.
 */
final class RedisConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ExpandableArrayBuffer send = new ExpandableArrayBuffer(1024);
    private final RespWriter writer = new RespWriter();
    private final RespDecoder decoder = new RespDecoder(new RespDecoderContext().chunkSize(64 * 1024 * 1024));
    private final ExpandableArrayBuffer pending = new ExpandableArrayBuffer(64 * 1024);
    private int pendingLength;
    private final byte[] chunk = new byte[64 * 1024];

    RedisConnection(String host, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(60_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    Object call(String... args) throws IOException {
        writer.wrap(send, 0).command(args);
        out.write(send.byteArray(), 0, writer.length());
        out.flush();
        final RespObjectBuilder builder = new RespObjectBuilder();
        while (!builder.done()) {
            final int consumed = decoder.decode(pending, 0, pendingLength, builder);
            pending.putBytes(0, pending, consumed, pendingLength - consumed);
            pendingLength -= consumed;
            if (!builder.done()) {
                final int n = in.read(chunk);
                if (n < 0) {
                    throw new IOException("connection closed by " + socket.getRemoteSocketAddress());
                }
                pending.putBytes(pendingLength, chunk, 0, n);
                pendingLength += n;
            }
        }
        if (builder.error() != null) {
            throw new IOException(builder.error());
        }
        return builder.result();
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
