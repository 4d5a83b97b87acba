package io.redisreplica.router.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A master over in-memory streams: each connection the link opens is served one script, the bytes
 * the master sends, all of them at once (the link reads them as its handshake asks), then either
 * silence (reads time out, as on a quiet socket) or the end of the stream. Once the scripts are
 * used up, connecting is refused. What the link wrote is kept per connection.
 */
final class ScriptedMaster implements MasterConnection.Connector {
    private static final byte[] END = new byte[0];
    private static final byte[] CLOSED = new byte[0];

    private final Deque<Script> scripts = new ArrayDeque<>();
    private final List<Connection> connections = new ArrayList<>();

    /** One connection's bytes from the master; {@code end}: the master closes it after them. */
    private record Script(byte[] bytes, boolean end) {
    }

    /** The next connection gets {@code bytes} and stays open. */
    synchronized ScriptedMaster then(byte[] bytes) {
        scripts.add(new Script(bytes, false));
        return this;
    }

    /** The next connection gets {@code bytes}, then the master closes it. */
    synchronized ScriptedMaster thenClose(byte[] bytes) {
        scripts.add(new Script(bytes, true));
        return this;
    }

    synchronized int connections() {
        return connections.size();
    }

    /** What the link wrote on connection {@code index} (from 0), as Latin-1 text. */
    synchronized String written(int index) {
        return connections.get(index).written();
    }

    @Override
    public synchronized MasterConnection newConnection(io.redisreplica.router.config.HostPort address) throws IOException {
        final Script script = scripts.poll();
        if (script == null) {
            throw new ConnectException("scripted master: no more connections");
        }
        final Connection c = new Connection(script);
        connections.add(c);
        return c;
    }

    private static final class Connection implements MasterConnection {
        private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private volatile boolean closed;
        private volatile int timeoutMillis = 60_000;
        private byte[] chunk = new byte[0];
        private int at;
        private boolean ended;

        Connection(Script script) {
            chunks.add(script.bytes());
            if (script.end()) {
                chunks.add(END);
            }
        }

        String written() {
            synchronized (out) {
                return out.toString(StandardCharsets.ISO_8859_1);
            }
        }

        private final InputStream input = new InputStream() {
            @Override
            public int read() throws IOException {
                final byte[] one = new byte[1];
                final int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (at == chunk.length) {
                    if (closed) {
                        throw new IOException("scripted master: connection closed");
                    }
                    if (ended) {
                        return -1;
                    }
                    final byte[] next;
                    try {
                        next = chunks.poll(timeoutMillis, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                    if (next == null) {
                        throw new SocketTimeoutException("scripted master: quiet for " + timeoutMillis + " ms");
                    }
                    if (next == END) {
                        ended = true;
                    } else if (next != CLOSED) {
                        chunk = next;
                        at = 0;
                    }
                }
                final int n = Math.min(len, chunk.length - at);
                System.arraycopy(chunk, at, b, off, n);
                at += n;
                return n;
            }
        };

        private final OutputStream output = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (closed) {
                    throw new IOException("scripted master: connection closed");
                }
                synchronized (out) {
                    out.write(b, off, len);
                }
            }
        };

        @Override
        public void connect() throws IOException {
            if (closed) {
                throw new IOException("scripted master: connection closed");
            }
        }

        @Override
        public InputStream input() {
            return input;
        }

        @Override
        public OutputStream output() {
            return output;
        }

        @Override
        public void readTimeout(int millis) {
            timeoutMillis = millis;
        }

        @Override
        public void close() {
            closed = true;
            chunks.add(CLOSED); // wakes a waiting read
        }
    }
}
