package io.redisreplica.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A minimal blocking RESP2 client for tests.
 *
 * <p>It shares no code with the {@code resp} module on purpose: tests use it as an oracle, so a
 * bug in our codec cannot hide itself. Replies map to Java as: simple string and bulk string to
 * {@code byte[]} ({@link #callString} decodes UTF-8), integer to {@link Long}, array to
 * {@link List}, nil to {@code null}, error to a thrown {@link RedisErrorException}.
 */
public final class RedisClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RedisClient(String host, int port) {
        this(host, port, null);
    }

    /**
     * Over TLS with {@code tls} when it is not null (a server that listens on its TLS port only:
     * {@link TlsCertificates#clientSockets()}); the JDK does the TLS, not our code.
     */
    public RedisClient(String host, int port, SSLSocketFactory tls) {
        try {
            final Socket plain = new Socket();
            plain.connect(new InetSocketAddress(host, port), 5_000);
            plain.setSoTimeout(60_000);
            plain.setTcpNoDelay(true);
            if (tls == null) {
                socket = plain;
            } else {
                final SSLSocket ssl = (SSLSocket) tls.createSocket(plain, host, port, true);
                ssl.setUseClientMode(true);
                ssl.startHandshake();
                socket = ssl;
            }
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + host + ":" + port + (tls == null ? "" : " over TLS"), e);
        }
    }

    /** Sends one command and reads its reply. Arguments: String (UTF-8), byte[], or any number. */
    public Object call(Object... args) {
        send(args);
        return read();
    }

    /** Sends several commands in one write and reads all their replies (errors are returned, not thrown). */
    public List<Object> pipeline(List<Object[]> commands) {
        for (Object[] command : commands) {
            writeCommand(command);
        }
        flush();
        final List<Object> replies = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            try {
                replies.add(read());
            } catch (RedisErrorException e) {
                replies.add(e);
            }
        }
        return replies;
    }

    /** Every key of the current db as UTF-8 text, sorted (KEYS *: for tests' small datasets). */
    public java.util.List<String> sortedKeys() {
        final java.util.List<String> keys = new java.util.ArrayList<>();
        for (Object k : (java.util.List<?>) call("KEYS", "*")) {
            keys.add(new String((byte[]) k, java.nio.charset.StandardCharsets.UTF_8));
        }
        java.util.Collections.sort(keys);
        return keys;
    }

    public String callString(Object... args) {
        final Object reply = call(args);
        return reply == null ? null : reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : reply.toString();
    }

    public long callLong(Object... args) {
        final Object reply = call(args);
        if (reply instanceof Long l) {
            return l;
        }
        throw new IllegalStateException("expected an integer reply to " + args[0] + ", got " + describe(reply));
    }

    /** Sends a command without reading its reply (for {@link #read()} later). */
    public void send(Object... args) {
        writeCommand(args);
        flush();
    }

    private void writeCommand(Object[] args) {
        try {
            out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (Object arg : args) {
                final byte[] bytes = arg instanceof byte[] b ? b : String.valueOf(arg).getBytes(StandardCharsets.UTF_8);
                out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.write('\r');
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one reply. */
    public Object read() {
        try {
            final int type = in.read();
            if (type < 0) {
                throw new EOFException("connection closed by server");
            }
            final String line = readLine();
            switch (type) {
                case '+':
                    return line.getBytes(StandardCharsets.UTF_8);
                case '-':
                    throw new RedisErrorException(line);
                case ':':
                    return Long.parseLong(line);
                case '$': {
                    final int len = Integer.parseInt(line);
                    if (len < 0) {
                        return null;
                    }
                    final byte[] data = in.readNBytes(len);
                    if (data.length != len || in.read() != '\r' || in.read() != '\n') {
                        throw new EOFException("truncated bulk reply");
                    }
                    return data;
                }
                case '*': {
                    final int count = Integer.parseInt(line);
                    if (count < 0) {
                        return null;
                    }
                    final List<Object> items = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        try {
                            items.add(read());
                        } catch (RedisErrorException e) {
                            items.add(e); // errors inside EXEC replies are values, not failures
                        }
                    }
                    return items;
                }
                default:
                    throw new IOException("unexpected reply type '" + (char) type + "' " + line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readLine() throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new EOFException("connection closed mid-line");
            }
            line.write(b);
        }
        if (in.read() != '\n') {
            throw new IOException("CR without LF");
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    public static String describe(Object reply) {
        if (reply instanceof byte[] b) {
            return '"' + new String(b, StandardCharsets.UTF_8) + '"';
        }
        return String.valueOf(reply);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test connection: nothing to report
        }
    }

    /** An error reply ({@code -ERR ...}) from the server. */
    public static final class RedisErrorException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RedisErrorException(String message) {
            super(message);
        }
    }
}
