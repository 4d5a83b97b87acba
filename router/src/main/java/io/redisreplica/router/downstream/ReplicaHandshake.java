package io.redisreplica.router.downstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Locale;

import org.agrona.concurrent.UnsafeBuffer;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.router.config.ClientLimits;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.SafeText;

/**
 * The replica's side of the conversation before SYNC or PSYNC: PING, AUTH, REPLCONF
 * ({@code listening-port}, {@code capa eof}, {@code rdb-only}), INFO and ROLE, within the
 * handshake limits (smaller before AUTH) and the handshake timeout. Run by the session's thread;
 * only the announced listening port is read by others.
 */
final class ReplicaHandshake {
    /**
     * The replica's sync request.
     *
     * @param replid the PSYNC replid, null for SYNC
     * @param offset the PSYNC offset, -1 for SYNC
     * @param rest bytes the replica sent after it (its first ACKs), for the ACK reader
     */
    record Sync(String replid, long offset, byte[] rest) {
    }

    private final ShardRuntime shard;
    private final Socket socket;
    private final ClientLimits limits;
    private final ClientGuard guard;
    /** The shard's replicas as INFO's slaveN lines and ROLE's list show them (see {@link ReplicaList}). */
    private volatile java.util.function.Supplier<ReplicaList> replicas = () -> ReplicaList.NONE;
    private volatile int listeningPort;
    private boolean authenticated;
    private boolean capaEof;
    /** {@code REPLCONF rdb-only 1} (redis-cli --rdb, Redis 7): the client wants an RDB file, then nothing. */
    private boolean rdbOnly;
    private boolean wrongAuth;

    void replicas(java.util.function.Supplier<ReplicaList> list) {
        this.replicas = list;
    }

    ReplicaHandshake(ShardRuntime shard, Socket socket, ClientLimits limits, ClientGuard guard) {
        this.shard = shard;
        this.socket = socket;
        this.limits = limits;
        this.guard = guard;
    }

    /** The port the replica announced ({@code REPLCONF listening-port}), 0 before (or when out of range). */
    int listeningPort() {
        return listeningPort;
    }

    boolean capaEof() {
        return capaEof;
    }

    boolean rdbOnly() {
        return rdbOnly;
    }

    /** After {@link #run} returned null: true when a wrong AUTH closed it, false when the peer did. */
    boolean wrongAuth() {
        return wrongAuth;
    }

    /**
     * Answers the handshake until SYNC or PSYNC.
     *
     * @return the sync request, or null when the connection must end (the peer closed it, or a wrong AUTH)
     * @throws SocketTimeoutException when no SYNC/PSYNC came within the handshake timeout
     */
    Sync run(InputStream in, OutputStream out) throws IOException {
        // handshake commands are small (fewer before AUTH): a cap below the buffer size means a
        // peer can never fill it, and nothing is allocated for what a header announces
        CommandFramer framer = new CommandFramer(shard.password() != null ? ClientLimits.preAuth() : ClientLimits.handshake());
        final byte[] buf = new byte[ClientLimits.HANDSHAKE_MAX_COMMAND + 1024];
        final UnsafeBuffer view = new UnsafeBuffer(buf);
        final long deadline = System.currentTimeMillis() + limits.handshakeTimeoutMillis();
        int pending = 0;
        while (true) {
            final long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new SocketTimeoutException("no SYNC/PSYNC within " + limits.handshakeTimeoutMillis() + " ms");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            final int n;
            try {
                n = in.read(buf, pending, buf.length - pending);
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("no SYNC/PSYNC within " + limits.handshakeTimeoutMillis() + " ms");
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
                if (shard.password() != null && !authenticated && !name.equals("AUTH") && !name.equals("PING")) {
                    write(out, "-NOAUTH Authentication required.\r\n");
                    continue;
                }
                if (name.equals("SYNC") || name.equals("PSYNC")) {
                    out.flush();
                    final boolean psync = name.equals("PSYNC");
                    return new Sync(psync ? c.argString(1) : null, psync ? c.argLong(2) : -1, Arrays.copyOfRange(buf, at, pending));
                }
                final boolean wasAuthenticated = authenticated;
                if (!reply(c, name, out)) {
                    out.flush();
                    wrongAuth = true;
                    return null;
                }
                if (authenticated && !wasAuthenticated) {
                    framer = new CommandFramer(ClientLimits.handshake()); // the next command starts afresh
                }
            }
            System.arraycopy(buf, at, buf, 0, pending - at);
            pending -= at;
            out.flush();
        }
    }

    /** Answers one handshake command; false when the connection must close (a wrong AUTH past the free attempts). */
    private boolean reply(Command c, String name, OutputStream out) throws IOException {
        switch (name) {
            case "PING" -> write(out, "+PONG\r\n");
            case "AUTH" -> {
                if (c.argCount() < 2 || c.argCount() > 3) {
                    write(out, "-ERR wrong number of arguments for 'auth' command\r\n");
                } else if (shard.password() == null) {
                    write(out, "-ERR AUTH called without any password configured for the default user.\r\n");
                } else if (guard.matches(c.argString(c.argCount() - 1), c.argCount() == 3 ? c.argString(1) : null, shard.password())) {
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
                        final long port = c.argLong(i + 1);
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
                // as a Redis master answers, so monitoring that reads a master's replicas sees the shard's. Sentinels
                // of the router's own master find shard 0's port among that master's replicas and ask here too:
                // priority 0 and not announced, so they never pick the router for promotion nor list it
                final String info = "# Replication\r\nrole:master\r\n" + replicas.get().infoLines() + "master_replid:" + shard.replid()
                    + "\r\nmaster_repl_offset:" + shard.journal().endOffset() + "\r\nslave_priority:0\r\nreplica_announced:0\r\n";
                final byte[] bytes = info.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                write(out, "$" + bytes.length + "\r\n" + info + "\r\n");
            }
            case "ROLE" -> write(out, "*3\r\n$6\r\nmaster\r\n:" + shard.journal().endOffset() + "\r\n" + replicas.get().roleArray());
            default -> write(out, "-ERR unknown command '" + SafeText.of(name) + "': this is a redis-replica virtual master for shard "
                + shard.name() + "; replicate it with REPLICAOF\r\n");
        }
        return true;
    }

    private static void write(OutputStream out, String s) throws IOException {
        SnapshotSender.write(out, s);
    }
}
