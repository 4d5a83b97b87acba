package io.redisreplica.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.RespDecoder;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.resp.RespType;
import io.redisreplica.resp.RespVisitor;
import io.redisreplica.resp.RespWriter;

/**
 * A small blocking client for the tools, on our own RESP codec: replies become String (simple and
 * bulk strings, UTF-8), Long, List or null; an error reply is thrown as {@link IOException}.
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
        final Builder builder = new Builder();
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
        if (builder.error != null) {
            throw new IOException(builder.error);
        }
        return builder.result;
    }

    /** Builds one reply as Java objects. */
    private static final class Builder implements RespVisitor {
        private final Deque<List<Object>> stack = new ArrayDeque<>();
        private final Deque<Long> remaining = new ArrayDeque<>();
        Object result;
        String error;
        private boolean complete;

        boolean done() {
            return complete;
        }

        private void value(Object v) {
            if (stack.isEmpty()) {
                result = v;
                complete = true;
                return;
            }
            stack.peek().add(v);
            long left = remaining.pop() - 1;
            while (left == 0) {
                final List<Object> done = stack.pop();
                if (stack.isEmpty()) {
                    result = done;
                    complete = true;
                    return;
                }
                stack.peek().add(done);
                left = remaining.pop() - 1;
            }
            remaining.push(left);
        }

        private static String text(DirectBuffer b, int off, int len) {
            return b.getStringWithoutLengthUtf8(off, len);
        }

        @Override
        public void onSimpleString(DirectBuffer b, int off, int len) {
            value(text(b, off, len));
        }

        @Override
        public void onError(DirectBuffer b, int off, int len) {
            error = text(b, off, len);
            value(null);
        }

        @Override
        public void onInteger(long v) {
            value(v);
        }

        @Override
        public void onBlob(RespType type, DirectBuffer b, int off, int len) {
            value(text(b, off, len));
        }

        @Override
        public void onNull() {
            value(null);
        }

        @Override
        public void onAggregateStart(RespType type, long count) {
            if (count == 0) {
                value(new ArrayList<>());
            } else {
                stack.push(new ArrayList<>());
                remaining.push(count * type.elementsPerCount());
            }
        }
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
