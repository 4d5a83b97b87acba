package io.redisreplica.router.downstream;

import java.io.IOException;
import java.net.Socket;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.router.config.ClientLimits;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.router.tls.SocketFactory;
import io.redisreplica.server.ConnectionType;
import io.redisreplica.server.DropPolicy;
import io.redisreplica.server.ReplicaStatus;
import io.redisreplica.server.ReplicationServer;
import io.redisreplica.server.ServerContext;
import io.redisreplica.server.ServerListener;

/**
 * One shard's virtual master: the server API's {@link ReplicationServer}, serving the shard as its
 * {@link ShardSource}, with the router's settings. The port is bound by the constructor and
 * served from {@link #start()}; {@link #close()} joins every thread of it, so no session reads
 * the journal after it returns.
 *
 * <p>The router's choices, beside the server's defaults: no PING of its own (the master's are in
 * the journal) and no {@code repl-timeout} drop (a replica that stops acknowledging is shown
 * PAUSED and waits on its own socket, as the design promises; it costs a file position); the
 * shard's password and user; {@code slave_priority:0} and {@code replica_announced:0} in INFO,
 * because the router announces shard 0's port to its own master, where Sentinels find it; a fatal
 * error of the server's threads stops the router.
 */
public final class VirtualMaster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualMaster.class);

    private final ShardRuntime shard;
    private final ReplicationServer server;
    private final ClientLimits limits;
    private final DropPolicy policy;
    private final boolean tls;

    /**
     * Binds the shard's port; {@link #start()} starts serving.
     *
     * @param authUser the user name replicas' AUTH must give ({@code shard-user}), null for {@code default}
     * @param errors told of a fatal error of the server's threads (then the router stops)
     * @param sockets plain, or TLS on each accepted connection ({@code shard-tls}): its handshake runs on the session's thread
     */
    public VirtualMaster(ShardRuntime shard, long stallTimeoutMillis, DropPolicy policy, ClientLimits limits, String authUser,
        ErrorHandler errors, SocketFactory sockets) throws IOException {
        this.shard = shard;
        this.limits = limits;
        this.policy = policy;
        this.tls = sockets.isTls();
        final ServerContext context = new ServerContext().name("shard " + shard.name()).source(new ShardSource(shard))
            .bind(shard.shard().host()).port(shard.shard().port()).requirePass(shard.password()).requireUser(authUser)
            .maxClients(limits.maxClients()).handshakeTimeoutMillis(limits.handshakeTimeoutMillis()).stallMillis(stallTimeoutMillis)
            .pingPeriodMillis(0).replTimeoutMillis(0).replicaPriority(0).replicaAnnounced(false).policy(policy)
            .connectionType(connectionType(sockets)).listener(new ServerListener() {
                @Override
                public void onError(String where, Throwable error, boolean fatal) {
                    if (fatal) { // the server logged it; the router stops, as for any of its own loops
                        errors.fatal(where, error);
                    }
                }

                @Override
                public void onSync(ReplicaStatus replica, boolean partial) {
                    if (partial) {
                        shard.countPartialResync();
                    } else {
                        shard.countFullResync();
                    }
                }
            });
        this.server = ReplicationServer.bind(context);
    }

    /** The router's sockets as the server's connection type: TLS reloads its files as the router's other ports do. */
    private static ConnectionType connectionType(SocketFactory sockets) {
        return new ConnectionType() {
            @Override
            public Socket accept(Socket accepted) throws IOException {
                return sockets.accept(accepted);
            }

            @Override
            public String reason(Throwable error) {
                return sockets.reason(error);
            }
        };
    }

    /** Starts serving (once): the port is bound from the constructor on, so replicas that come early wait in its backlog. */
    public void start() {
        server.start();
        LOG.info("shard {}: virtual master listening on {}:{}{} (maxclients {}, handshake timeout {} ms)", shard.name(),
            shard.shard().host(), server.port(), tls ? " with TLS" : "", limits.maxClients(), limits.handshakeTimeoutMillis());
    }

    public DropPolicy policy() {
        return policy;
    }

    /** The shard's replicas past their handshake: address, state, offsets, lag; refused ones as DROPPED while held. */
    public List<ReplicaStatus> replicas() {
        return server.replicas();
    }

    /** Closes replica {@code name}'s connections ({@code ip:listening-port}); it reconnects and continues from its offset. */
    public int disconnect(String name) {
        return server.disconnect(name);
    }

    /** Connections open now. */
    public int connected() {
        return server.connectedClients();
    }

    /** Connections refused because {@code maxclients} were open, since start. */
    public long refused() {
        return server.refusedConnections();
    }

    /** Failed accepts (EMFILE...) since start. */
    public long acceptErrors() {
        return server.acceptErrors();
    }

    /** Wrong AUTH attempts since start. */
    public long authFailures() {
        return server.authFailures();
    }

    /** Connections closed in their handshake (a protocol error, a limit, the timeout) since start. */
    public long protocolFailures() {
        return server.protocolFailures();
    }

    @Override
    public void close() {
        server.close();
    }
}
