package io.redisreplica.router.downstream;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.router.config.ClientLimits;
import io.redisreplica.router.shard.ShardRuntime;

/**
 * One shard's listener: every connection gets a {@link DownstreamSession} on its own thread,
 * within the port's {@link ClientLimits}; the {@link AcceptLoop} backs off when accept fails.
 */
public final class VirtualMaster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualMaster.class);

    private final ShardRuntime shard;
    private final ServerSocket server;
    private final List<DownstreamSession> sessions = new CopyOnWriteArrayList<>();
    private final AcceptLoop loop;
    private final ClientGuard guard;

    private final long stallTimeoutMillis;

    private final ReplicaPolicy policy;

    public VirtualMaster(ShardRuntime shard, long stallTimeoutMillis, ReplicaPolicy policy) throws IOException {
        this(shard, stallTimeoutMillis, policy, new ClientLimits(ClientLimits.DEFAULT_MAX_CLIENTS, ClientLimits.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS));
    }

    public VirtualMaster(ShardRuntime shard, long stallTimeoutMillis, ReplicaPolicy policy, ClientLimits limits) throws IOException {
        this(shard, stallTimeoutMillis, policy, limits, null);
    }

    /** @param authUser the user name replicas' AUTH must give ({@code shard-user}), null for {@code default} */
    public VirtualMaster(ShardRuntime shard, long stallTimeoutMillis, ReplicaPolicy policy, ClientLimits limits, String authUser)
        throws IOException {
        this.shard = shard;
        this.policy = policy;
        this.stallTimeoutMillis = stallTimeoutMillis;
        this.guard = new ClientGuard("shard " + shard.name(), authUser);
        this.server = bind("shard " + shard.name(), shard.shard().host(), shard.shard().port(), 64);
        this.loop = new AcceptLoop("shard " + shard.name(), server, limits, new AcceptLoop.Handler() {
            @Override
            public String threadName(Socket socket) {
                return "shard-" + shard.name() + "-" + socket.getRemoteSocketAddress();
            }

            @Override
            public void serve(Socket socket) {
                guard.sweep();
                final DownstreamSession session = new DownstreamSession(shard, socket, stallTimeoutMillis, policy, limits, guard);
                sessions.removeIf(VirtualMaster::ended);
                sessions.add(session);
                try {
                    session.run();
                } finally {
                    sessions.remove(session);
                }
            }
        });
        final Thread acceptor = new Thread(loop, "virtual-master-" + shard.name());
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("shard {}: virtual master listening on {}:{} (maxclients {}, handshake timeout {} ms)", shard.name(),
            shard.shard().host(), shard.shard().port(), limits.maxClients(), limits.handshakeTimeoutMillis());
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

    private static boolean ended(DownstreamSession s) {
        return s.state() == DownstreamSession.State.STOPPED || s.state() == DownstreamSession.State.DROPPED;
    }

    public ReplicaPolicy policy() {
        return policy;
    }

    /** Connection limits and counters of this port. */
    public ClientLimits limits() {
        return loop.limits();
    }

    /** Wrong AUTH and broken handshakes by address. */
    public ClientGuard guard() {
        return guard;
    }

    /** Failed accepts (EMFILE...) since start. */
    public long acceptErrors() {
        return loop.errors();
    }

    public List<DownstreamSession> sessions() {
        sessions.removeIf(VirtualMaster::ended);
        return sessions;
    }

    @Override
    public void close() {
        loop.close();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        sessions.forEach(DownstreamSession::close);
        // the sessions read the journal: they end before it closes (each sees its socket closed at once)
        final long deadline = System.currentTimeMillis() + SESSION_JOIN_MS;
        while (!sessions.isEmpty() && System.currentTimeMillis() < deadline) {
            sessions.forEach(DownstreamSession::close); // one the acceptor handed over while it closed, too
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!sessions.isEmpty()) {
            LOG.warn("shard {}: {} replica session(s) still running {} ms after close", shard.name(), sessions.size(), SESSION_JOIN_MS);
        }
    }

    private static final long SESSION_JOIN_MS = 3000;
}
