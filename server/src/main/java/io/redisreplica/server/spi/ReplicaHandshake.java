package io.redisreplica.server.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

import org.agrona.concurrent.UnsafeBuffer;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;

/**
 * The replica's side of the conversation before SYNC or PSYNC: PING, AUTH (checked by the
 * port's {@link ClientGuard}), REPLCONF ({@code listening-port}, {@code capa eof},
 * {@code rdb-only}; others answered OK), INFO and ROLE (as the {@link HandshakeHost} says), within
 * the {@link HandshakeLimits} and the handshake timeout; any other command is an error. Run by the
 * session's thread; only the announced listening port is read by others.
 *
 * <pre>{@code
 * ReplicaHandshake handshake = new ReplicaHandshake(socket, host, guard);
 * ReplicaHandshake.Sync sync = handshake.run(in, out);   // null: the peer went, or a wrong AUTH
 * }</pre>
 */
public final class ReplicaHandshake {
    /**
     * The replica's sync request.
     *
     * @param replid the PSYNC replid, null for SYNC
     * @param offset the PSYNC offset (the replica's next byte), -1 for SYNC
     * @param rest bytes the replica sent after it (its first ACKs), for the ACK reader
     */
    public record Sync(String replid, long offset, byte[] rest) {
    }

    private final Socket socket;
    private final HandshakeHost host;
    private final ClientGuard guard;
    private volatile int listeningPort;
    private boolean authenticated;
    private boolean capaEof;
    /** {@code REPLCONF rdb-only 1} (redis-cli --rdb, Redis 7): the client wants an RDB file, then nothing. */
    private boolean rdbOnly;
    private boolean wrongAuth;

    /**
     * @param socket the connection's socket, whose read timeout the handshake sets (under TLS the
     *     plain socket beneath: it reads through it)
     */
    public ReplicaHandshake(Socket socket, HandshakeHost host, ClientGuard guard) {
        this.socket = socket;
        this.host = host;
        this.guard = guard;
    }

    /** The port the replica announced ({@code REPLCONF listening-port}), 0 before (or when out of range). */
    public int listeningPort() {
        return listeningPort;
    }

    /** {@code REPLCONF capa eof}: it reads an RDB framed by an end mark ({@code $EOF:}). */
    public boolean capaEof() {
        return capaEof;
    }

    /** {@code REPLCONF rdb-only 1}: an RDB file, then nothing. */
    public boolean rdbOnly() {
        return rdbOnly;
    }

    /** After {@link #run} returned null: true when a wrong AUTH closed it, false when the peer did. */
    public boolean wrongAuth() {
        return wrongAuth;
    }

    /**
     * Answers the handshake until SYNC or PSYNC.
     *
     * @return the sync request, or null when the connection must end (the peer closed it, or a wrong AUTH)
     * @throws SocketTimeoutException when no SYNC/PSYNC came within the handshake timeout
     * @throws io.redisreplica.resp.RespProtocolException for bytes that are no command, or past the limits
     */
    public Sync run(InputStream in, OutputStream out) throws IOException {
        final String password = host.password();
        final long timeout = host.handshakeTimeoutMillis();
        CommandFramer framer = new CommandFramer(password != null ? HandshakeLimits.preAuth() : HandshakeLimits.handshake());
        final byte[] buf = new byte[HandshakeLimits.MAX_COMMAND + 1024];
        final UnsafeBuffer view = new UnsafeBuffer(buf);
        final long deadline = System.currentTimeMillis() + timeout;
        int pending = 0;
        while (true) {
            final long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new SocketTimeoutException("no SYNC/PSYNC within " + timeout + " ms");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            final int n;
            try {
                n = in.read(buf, pending, buf.length - pending);
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("no SYNC/PSYNC within " + timeout + " ms");
            }
            if (n < 0) {
                return null;
            }
            pending += n;
            int at = 0;
            int framed;
            while ((framed = framer.frame(view, at, pending - at)) > 0) {
                final Command c = framer.command();
                at += framed;
                if (c.isEmpty()) {
                    continue;
                }
                final String name = c.argString(0).toUpperCase(Locale.ROOT);
                if (password != null && !authenticated && !name.equals("AUTH") && !name.equals("PING")) {
                    write(out, "-NOAUTH Authentication required.\r\n");
                    continue;
                }
                if (name.equals("SYNC") || name.equals("PSYNC")) {
                    if (name.equals("PSYNC") && c.argCount() != 3) {
                        write(out, "-ERR wrong number of arguments for 'psync' command\r\n");
                        continue;
                    }
                    out.flush();
                    final boolean psync = name.equals("PSYNC");
                    return new Sync(psync ? c.argString(1) : null, psync ? offset(c) : -1, Arrays.copyOfRange(buf, at, pending));
                }
                final boolean wasAuthenticated = authenticated;
                if (!reply(c, name, password, out)) {
                    out.flush();
                    wrongAuth = true;
                    return null;
                }
                if (authenticated && !wasAuthenticated) {
                    framer = new CommandFramer(HandshakeLimits.handshake()); // the next command starts afresh
                }
            }
            System.arraycopy(buf, at, buf, 0, pending - at);
            pending -= at;
            out.flush();
        }
    }

    /** PSYNC's offset; {@code ?} (and anything not a number) as -1: a full resync. */
    private static long offset(Command c) {
        try {
            return c.argLong(2);
        } catch (RuntimeException notANumber) {
            return -1;
        }
    }

    /** Answers one handshake command; false when the connection must close (a wrong AUTH past the free attempts). */
    private boolean reply(Command c, String name, String password, OutputStream out) throws IOException {
        switch (name) {
            case "PING" -> write(out, "+PONG\r\n");
            case "AUTH" -> {
                if (c.argCount() < 2 || c.argCount() > 3) {
                    write(out, "-ERR wrong number of arguments for 'auth' command\r\n");
                } else if (password == null) {
                    write(out, "-ERR AUTH called without any password configured for the default user.\r\n");
                } else if (guard.matches(c.argString(c.argCount() - 1), c.argCount() == 3 ? c.argString(1) : null, password)) {
                    authenticated = true;
                    write(out, "+OK\r\n");
                } else {
                    final long delay = guard.authFailed(socket.getInetAddress().getHostAddress());
                    ClientGuard.holdBack(delay, out);
                    write(out, "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
                    return delay == 0;
                }
            }
            case "REPLCONF" -> {
                for (int i = 1; i + 1 < c.argCount(); i += 2) {
                    if (c.argString(i).equalsIgnoreCase("listening-port")) {
                        final long port = number(c, i + 1);
                        listeningPort = port > 0 && port <= 65535 ? (int) port : 0;
                    } else if (c.argString(i).equalsIgnoreCase("capa") && c.argString(i + 1).equalsIgnoreCase("eof")) {
                        capaEof = true;
                    } else if (c.argString(i).equalsIgnoreCase("rdb-only")) {
                        rdbOnly = c.argString(i + 1).equals("1");
                    }
                }
                write(out, "+OK\r\n");
            }
            case "INFO" -> {
                final byte[] bytes = host.info().getBytes(StandardCharsets.UTF_8);
                write(out, "$" + bytes.length + "\r\n");
                out.write(bytes);
                write(out, "\r\n");
            }
            case "ROLE" -> write(out, host.role());
            default -> write(out, host.unknownCommand(SafeText.of(name)));
        }
        return true;
    }

    private static long number(Command c, int index) {
        try {
            return c.argLong(index);
        } catch (RuntimeException notANumber) {
            return 0;
        }
    }

    /** Writes {@code s} as UTF-8. */
    public static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }
}
