package io.redisreplica.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.RespDecoder;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.resp.RespType;
import io.redisreplica.resp.RespVisitor;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.tls.SocketFactory;

/**
 * A connection to a replay's target that keeps many commands in flight: batches of RESP bytes go
 * out as they are ({@link #send}), and the replies are counted as they come back, without an object
 * per reply: {@code +OK}, {@code +QUEUED} and EXEC's array of them are only counted; an error
 * (rare) is kept with the number of the reply it was, and its place in an EXEC's array
 * ({@link ReplyError}). Replies are numbered from 0 in the order the commands were sent; the
 * sender says how many commands each send holds, so {@link #requested()} is the number the next
 * command's reply will have.
 */
final class Pipeline implements AutoCloseable {
    /** An error reply: {@code reply} its number, {@code element} its index in an EXEC's array (-1: the reply itself). */
    record ReplyError(long reply, int element, String message) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final RespDecoder decoder = new RespDecoder(new RespDecoderContext().chunkSize(1024 * 1024));
    private final ExpandableArrayBuffer input = new ExpandableArrayBuffer(64 * 1024);
    private int inputLength;
    private final Counter counter = new Counter();
    private final List<ReplyError> errors = new ArrayList<>();
    private long requested;
    private final byte[] chunk = new byte[64 * 1024];

    private Pipeline(Socket socket, Socket io) throws IOException {
        this.socket = socket;
        this.in = io.getInputStream();
        this.out = io.getOutputStream();
    }

    /** Connects, plain or TLS as {@code sockets} says, and AUTHs when a password is given; errors name {@code what} and the address. */
    static Pipeline open(String host, int port, String user, String password, String what, SocketFactory sockets) throws IOException {
        final Socket socket = new Socket();
        final Pipeline p;
        try {
            final Socket io = sockets.connect(socket, host, port, 5_000, what + " " + host + ":" + port);
            socket.setSoTimeout(60_000);
            p = new Pipeline(socket, io);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw new IOException(what + " at " + host + ":" + port + ": " + e.getMessage(), e);
        }
        if (password != null) {
            final ExpandableArrayBuffer auth = new ExpandableArrayBuffer(128);
            final int length = (user == null ? new RespWriter().wrap(auth, 0).command("AUTH", password)
                : new RespWriter().wrap(auth, 0).command("AUTH", user, password)).position();
            p.send(auth.byteArray(), 0, length, 1);
            p.await(p.requested());
            final ReplyError refused = p.firstError(0, 0);
            if (refused != null) {
                p.close();
                throw new IOException(what + " at " + host + ":" + port + " refused AUTH: " + refused.message());
            }
        }
        return p;
    }

    /** Writes {@code length} bytes holding {@code commands} commands; their replies are read later. */
    void send(byte[] bytes, int offset, int length, int commands) throws IOException {
        out.write(bytes, offset, length);
        out.flush();
        requested += commands;
    }

    /** Writes {@code bytes[0, length)} holding {@code commands} commands: at once from a heap array, else through a chunk. */
    void send(DirectBuffer bytes, int length, int commands) throws IOException {
        final byte[] array = bytes.byteArray();
        if (array != null) {
            out.write(array, bytes.wrapAdjustment(), length);
        } else {
            for (int at = 0; at < length; at += chunk.length) {
                final int n = Math.min(chunk.length, length - at);
                bytes.getBytes(at, chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
        out.flush();
        requested += commands;
    }

    /** The number the next command's reply will have (the commands sent so far). */
    long requested() {
        return requested;
    }

    /** Replies read so far. */
    long received() {
        return counter.replies;
    }

    /** Reads until {@code replies} replies have come (the ones after are read too when they came with them). */
    void await(long replies) throws IOException {
        while (counter.replies < replies) {
            input.checkLimit(inputLength + 64 * 1024);
            final int n = in.read(input.byteArray(), inputLength, input.capacity() - inputLength);
            if (n < 0) {
                throw new IOException("connection closed by " + socket.getRemoteSocketAddress() + " with " + (replies - counter.replies)
                    + " replies due");
            }
            inputLength += n;
            final int consumed = decoder.decode(input, 0, inputLength, counter);
            input.putBytes(0, input, consumed, inputLength - consumed);
            inputLength -= consumed;
        }
    }

    /** The first error among replies {@code from..to} (inclusive), or null. */
    ReplyError firstError(long from, long to) {
        for (ReplyError e : errors) {
            if (e.reply() >= from && e.reply() <= to) {
                return e;
            }
        }
        return null;
    }

    /** The errors among replies {@code from..to} (inclusive), in order; let go after (a cluster replay reads its ranges out of order). */
    List<ReplyError> errors(long from, long to) {
        if (errors.isEmpty()) {
            return List.of();
        }
        final List<ReplyError> found = new ArrayList<>();
        for (ReplyError e : errors) {
            if (e.reply() >= from && e.reply() <= to) {
                found.add(e);
            }
        }
        errors.removeIf(e -> e.reply() >= from && e.reply() <= to);
        return found;
    }

    @Override
    public void close() throws IOException {
        socket.close(); // a MULTI without its EXEC yet is discarded by the target
    }

    /** Counts top-level replies; keeps errors at the top level and inside a top-level array (EXEC's). */
    private final class Counter implements RespVisitor {
        long replies;
        private int depth;
        private int element;

        private void value(String error) {
            if (depth == 0) {
                if (error != null) {
                    errors.add(new ReplyError(replies, -1, error));
                }
                replies++;
            } else if (depth == 1) {
                if (error != null) {
                    errors.add(new ReplyError(replies, element, error));
                }
                element++;
            }
        }

        @Override
        public void onSimpleString(DirectBuffer buffer, int offset, int length) {
            value(null);
        }

        @Override
        public void onError(DirectBuffer buffer, int offset, int length) {
            value(buffer.getStringWithoutLengthAscii(offset, length));
        }

        @Override
        public void onInteger(long value) {
            value(null);
        }

        @Override
        public void onBlob(RespType type, DirectBuffer buffer, int offset, int length) {
            value(type == RespType.BLOB_ERROR ? buffer.getStringWithoutLengthUtf8(offset, length) : null);
        }

        @Override
        public void onBlobEnd() {
            value(null);
        }

        @Override
        public void onNull() {
            // a null where EXEC's array belongs: the transaction did not run
            value(depth == 0 ? "(nil): the transaction was not executed" : null);
        }

        @Override
        public void onDouble(DirectBuffer buffer, int offset, int length) {
            value(null);
        }

        @Override
        public void onBoolean(boolean value) {
            value(null);
        }

        @Override
        public void onBigNumber(DirectBuffer buffer, int offset, int length) {
            value(null);
        }

        @Override
        public void onAggregateStart(RespType type, long count) {
            if (++depth == 1) {
                element = 0;
            }
        }

        @Override
        public void onAggregateEnd(RespType type) {
            depth--;
            value(null);
        }

        @Override
        public void onInline(DirectBuffer buffer, int offset, int length) {
            value("unexpected reply line: " + buffer.getStringWithoutLengthAscii(offset, Math.min(length, 200)));
        }
    }
}
