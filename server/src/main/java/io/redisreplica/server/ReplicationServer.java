package io.redisreplica.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import io.redisreplica.server.impl.Errors;
import io.redisreplica.server.impl.KeepAlive;
import io.redisreplica.server.impl.Sessions;
import io.redisreplica.server.spi.AcceptLoop;

/**
 * A Redis master as far as its replicas can tell: it listens on a port, and a real
 * {@code redis-server} that runs {@code REPLICAOF host port} gets the {@link ReplicationSource}'s
 * snapshot and then its command stream, with the replication protocol Redis replicas speak:
 * {@code PSYNC} ({@code +FULLRESYNC} with the snapshot, {@code +CONTINUE} from an offset the
 * source still holds), {@code REPLCONF listening-port/capa/ACK}, the master's PING keep-alive,
 * optional {@code requirepass} (and a required user), {@code INFO replication} and {@code ROLE}.
 *
 * <pre>{@code
 * ReplicationBacklog backlog = new ReplicationBacklog(64 << 20);
 * backlog.snapshot(Snapshot.ofFile(Snapshot.newReplid(), 0, Path.of("dump.rdb")));
 * try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).port(6380))) {
 *     backlog.appendCommand("SET", "greeting", "hello");     // reaches every replica of :6380
 *     for (ReplicaStatus r : server.replicas()) {
 *         System.out.println(r.name() + " acked " + r.ackedOffset() + ", " + r.lagBytes() + " bytes behind");
 *     }
 * }
 * }</pre>
 *
 * <p>Threads: an accept loop, a PING loop, and per replica a session thread and (once it
 * streams) an ACK reader; each named, each reporting its faults to the {@link ServerListener}.
 * A replica that reads slowly blocks only its own session on its own socket; the stream is read
 * from the source into one 64 KB buffer per session, so nothing piles up on the heap.
 * {@link #close()} stops accepting, closes every replica's connection and joins all threads.
 *
 * <p>Before its SYNC or PSYNC a connection may cost only a few KB: commands are framed within
 * Redis's limits for an unauthenticated client (10 arguments, 16 KB bulks with a password; 32
 * arguments and 17 KB commands without), a handshake has a deadline, wrong AUTH answers slow
 * down after five from an address, and at most {@code maxClients} connections are open at once.
 */
public final class ReplicationServer implements AutoCloseable {
    private final ServerContext context;
    private final ServerSocket socket;
    private final Errors errors;
    private final Sessions sessions;
    private final AcceptLoop accept;
    private final KeepAlive keepAlive;
    private boolean started;

    private ReplicationServer(ServerContext context, ServerSocket socket) {
        this.context = context;
        this.socket = socket;
        this.errors = new Errors(context.listener());
        this.sessions = new Sessions(context, errors);
        final String name = sessions.threadPrefix() + "replication-server-" + socket.getLocalPort();
        // the server's error policy: each failure to the ServerListener, logged once per distinct error
        final String role = context.name() == null ? name : context.name(); // what its log lines begin with
        this.accept = new AcceptLoop(name, role, errors::fatal, socket, sessions.slots(), sessions,
            (what, e) -> errors.handled(role + ": " + what, e));
        this.keepAlive = context.pingPeriodMillis() > 0 ? new KeepAlive(sessions, context.pingPeriodMillis()) : null;
    }

    /**
     * Binds the port and starts serving: {@code bind(context).start()}.
     *
     * @throws IOException when the port cannot be bound
     * @throws IllegalArgumentException when the context is not valid (see {@link ServerContext#conclude()})
     */
    public static ReplicationServer start(ServerContext context) throws IOException {
        return bind(context).start();
    }

    /**
     * Binds the port without serving yet: replicas that connect wait in the port's backlog until
     * {@link #start()}, so an application can bind every port first and fail before it starts any.
     * Close it if it is never started.
     *
     * @throws IOException when the port cannot be bound (the message names the address)
     * @throws IllegalArgumentException when the context is not valid (see {@link ServerContext#conclude()})
     */
    public static ReplicationServer bind(ServerContext context) throws IOException {
        context.conclude();
        final ServerSocket socket = AcceptLoop.bind(context.name(), context.bind(), context.port(), 128);
        return new ReplicationServer(context, socket);
    }

    /** Starts serving (once; a second call does nothing). */
    public synchronized ReplicationServer start() {
        if (!started) {
            started = true;
            accept.start();
            if (keepAlive != null) {
                keepAlive.start();
            }
        }
        return this;
    }

    /** The port it listens on (the one taken when the context asked for 0). */
    public int port() {
        return socket.getLocalPort();
    }

    /** The address it listens on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** The replicas past their handshake now: address, announced port, state, acknowledged offset and lag. */
    public List<ReplicaStatus> replicas() {
        return sessions.replicas();
    }

    /**
     * Closes the connections of replica {@code name} ({@link ReplicaStatus#name()}: address and
     * listening port), as Redis's {@code CLIENT KILL} does on a master: the replica reconnects and
     * continues with PSYNC where the source still holds its offset. Not counted as its failure by
     * the policy. Returns when their sessions have ended.
     *
     * @return how many connections were closed
     */
    public int disconnect(String name) {
        return sessions.disconnect(name);
    }

    /** Full resyncs ({@code +FULLRESYNC} or SYNC) answered since start (Redis's {@code sync_full}). */
    public long fullResyncs() {
        return sessions.fullResyncs();
    }

    /** Partial resyncs ({@code +CONTINUE}) answered since start (Redis's {@code sync_partial_ok}). */
    public long partialResyncs() {
        return sessions.partialResyncs();
    }

    /** Wrong AUTH attempts since start. */
    public long authFailures() {
        return sessions.guard().authFailures();
    }

    /** Connections closed before their SYNC/PSYNC for a protocol error, a limit or the handshake timeout, since start. */
    public long protocolFailures() {
        return sessions.guard().protocolFailures();
    }

    /** Connections turned away because {@code maxClients} were open, since start. */
    public long refusedConnections() {
        return sessions.refused();
    }

    /** Connections open now, in their handshake or past it ({@code connected_clients}). */
    public int connectedClients() {
        return sessions.slots().connected();
    }

    /** Accepts that failed (out of file descriptors...) since start; each distinct failure is reported once. */
    public long acceptErrors() {
        return accept.acceptErrors();
    }

    /** Errors reported to the listener since start. */
    public long errors() {
        return errors.count();
    }

    /** Stops accepting, closes every replica's connection and joins every thread of the server. */
    @Override
    public void close() {
        accept.close();
        if (keepAlive != null) {
            keepAlive.close();
        }
        sessions.closeAll();
    }

    @Override
    public String toString() {
        return "ReplicationServer[" + address() + ", " + context.source() + "]";
    }
}
