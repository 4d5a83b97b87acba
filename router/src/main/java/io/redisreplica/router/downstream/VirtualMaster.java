package io.redisreplica.router.downstream;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.router.config.ClientLimits;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.DistinctErrors;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.router.tls.SocketFactory;
import io.redisreplica.server.DropPolicy;
import io.redisreplica.server.spi.AcceptLoop;
import io.redisreplica.server.spi.ClientGuard;
import io.redisreplica.server.spi.ReplicaList;

/**
 * One shard's listener: every connection gets a {@link ReplicaSession} (an agent, on its own
 * thread) within the port's {@link ClientLimits}; the server SPI's {@link AcceptLoop} backs off when accept
 * fails. {@link #close()} stops the acceptor, then closes and joins every session, so none
 * reads the journal after it returns.
 */
public final class VirtualMaster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualMaster.class);

    private final ShardRuntime shard;
    private final ServerSocket server;
    private final List<ReplicaSession> sessions = new CopyOnWriteArrayList<>();
    private final AcceptLoop loop;
    private final ClientLimits limits;
    private final ClientGuard guard;
    private final DropPolicy policy;
    /** The shard's replicas' ACK readers' failures: each distinct one logged once, all counted. */
    private final DistinctErrors ackErrors;
    private final boolean tls;

    public VirtualMaster(ShardRuntime shard, long stallTimeoutMillis, DropPolicy policy) throws IOException {
        this(shard, stallTimeoutMillis, policy, new ClientLimits(ClientLimits.DEFAULT_MAX_CLIENTS, ClientLimits.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS));
    }

    public VirtualMaster(ShardRuntime shard, long stallTimeoutMillis, DropPolicy policy, ClientLimits limits) throws IOException {
        this(shard, stallTimeoutMillis, policy, limits, null);
    }

    /**
     * Fatal errors of its loops (an {@code Error} escaping a session) are only logged: the Router
     * passes its own handler through {@link #VirtualMaster(ShardRuntime, long, DropPolicy, ClientLimits, String, ErrorHandler)}.
     *
     * @param authUser the user name replicas' AUTH must give ({@code shard-user}), null for {@code default}
     */
    public VirtualMaster(ShardRuntime shard, long stallTimeoutMillis, DropPolicy policy, ClientLimits limits, String authUser)
        throws IOException {
        this(shard, stallTimeoutMillis, policy, limits, authUser, ErrorHandler.recording());
    }

    public VirtualMaster(ShardRuntime shard, long stallTimeoutMillis, DropPolicy policy, ClientLimits limits, String authUser,
        ErrorHandler errors) throws IOException {
        this(shard, stallTimeoutMillis, policy, limits, authUser, errors, SocketFactory.plain());
    }

    /**
     * Binds the shard's port; {@link #start()} starts accepting.
     *
     * @param sockets plain, or TLS on each accepted connection ({@code shard-tls}): its handshake runs on the session's thread
     */
    public VirtualMaster(ShardRuntime shard, long stallTimeoutMillis, DropPolicy policy, ClientLimits limits, String authUser,
        ErrorHandler errors, SocketFactory sockets) throws IOException {
        this.shard = shard;
        this.tls = sockets.isTls();
        this.policy = policy;
        this.guard = new ClientGuard("shard " + shard.name(), authUser);
        this.ackErrors = errors.distinct(LOG, "shard " + shard.name() + " ACK readers");
        this.server = bind("shard " + shard.name(), shard.shard().host(), shard.shard().port(), 64);
        this.limits = limits;
        final String role = "shard " + shard.name();
        // failed accepts logged once per distinct error, under the accept loop's logger as its recovery line is
        final DistinctErrors acceptErrors = errors.distinct(LoggerFactory.getLogger(AcceptLoop.class), role);
        this.loop = new AcceptLoop("virtual-master-" + shard.name(), role, errors::fatal, server, limits.slots(), (socket, release) -> {
            guard.sweep();
            final ReplicaSession[] self = new ReplicaSession[1];
            final ReplicaSession session = new ReplicaSession(shard, socket, sockets, stallTimeoutMillis, policy, limits, guard, errors,
                ackErrors,
                () -> {
                    sessions.remove(self[0]);
                    release.run();
                });
            self[0] = session;
            session.replicas(() -> replicaList(List.copyOf(sessions)));
            session.twinStreams(me -> sessions.stream().anyMatch(other -> other != me && !other.ended()
                && other.state() == ReplicaSession.State.STREAMING && other.identity().equals(me.identity())));
            sessions.removeIf(ReplicaSession::ended);
            sessions.add(session);
            try {
                session.start();
            } catch (RuntimeException | Error e) { // no thread: the loop closes the socket and releases the slot
                sessions.remove(session);
                throw e;
            }
        }, acceptErrors::record);
    }

    /** The shard's replicas as INFO and ROLE list them: the lag is the commit clock's, in seconds. */
    private static ReplicaList replicaList(List<ReplicaSession> sessions) {
        return new ReplicaList(sessions.stream().filter(s -> !s.ended() && s.listeningPort() > 0).map(s -> new ReplicaList.Entry(
            s.socketAddress(), s.listeningPort(), redisState(s.state()), Math.max(0, s.ackedOffset()),
            Math.round(s.lagMillis() / 1000))).toList());
    }

    /** Redis's words: a replica still getting its RDB is {@code wait_bgsave}/{@code send_bulk}, then {@code online}. */
    private static String redisState(ReplicaSession.State state) {
        return switch (state) {
            case HANDSHAKE -> "wait_bgsave";
            case FULL_SYNC -> "send_bulk";
            default -> "online";
        };
    }

    /** Starts accepting replicas (once): the port is bound from the constructor on, so replicas that come early wait in its backlog. */
    public void start() {
        loop.start();
        LOG.info("shard {}: virtual master listening on {}:{}{} (maxclients {}, handshake timeout {} ms)", shard.name(),
            shard.shard().host(), shard.shard().port(), tls ? " with TLS" : "", limits().maxClients(), limits().handshakeTimeoutMillis());
    }

    /** A listening socket, or an error that names the port and who wanted it. */
    public static ServerSocket bind(String who, String host, int port, int backlog) throws IOException {
        final ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(host), port), backlog);
            return server;
        } catch (IOException e) {
            server.close();
            final String why = who + ": cannot listen on " + host + ":" + port + ": " + e.getMessage();
            throw e instanceof BindException ? new BindException(why) : new IOException(why, e);
        }
    }

    public DropPolicy policy() {
        return policy;
    }

    /** Connection limits and counters of this port. */
    public ClientLimits limits() {
        return limits;
    }

    /** Wrong AUTH and broken handshakes by address. */
    public ClientGuard guard() {
        return guard;
    }

    /** Failed accepts (EMFILE...) since start. */
    public long acceptErrors() {
        return loop.acceptErrors();
    }

    /** Failures reading replicas' ACKs (each ended its session) since start. */
    public long ackErrors() {
        return ackErrors.total();
    }

    public List<ReplicaSession> sessions() {
        sessions.removeIf(ReplicaSession::ended);
        return sessions;
    }

    @Override
    public void close() {
        loop.close(); // closes the listening socket and joins the acceptor: no session is added after this
        // the sessions read the journal: they end before it closes. Woken all at once (their
        // sockets closed), then joined one by one.
        // joined one by one; again for any the acceptor handed over while it closed
        final Set<ReplicaSession> closed = new HashSet<>();
        List<ReplicaSession> open;
        while (!(open = sessions.stream().filter(s -> !closed.contains(s)).toList()).isEmpty()) {
            open.forEach(ReplicaSession::wakeToClose);
            for (ReplicaSession s : open) {
                s.close();
                closed.add(s);
            }
        }
        if (!sessions.isEmpty()) {
            LOG.warn("shard {}: {} replica session(s) still running after close", shard.name(), sessions.size());
        }
    }
}
