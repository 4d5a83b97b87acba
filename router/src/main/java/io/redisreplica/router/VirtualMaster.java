package io.redisreplica.router;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One shard's listener: every connection gets a {@link DownstreamSession} on its own thread. */
final class VirtualMaster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualMaster.class);

    private final ShardRuntime shard;
    private final ServerSocket server;
    private final List<DownstreamSession> sessions = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    private final long stallTimeoutMillis;

    private final ReplicaPolicy policy;

    VirtualMaster(ShardRuntime shard, long stallTimeoutMillis, ReplicaPolicy policy) throws IOException {
        this.shard = shard;
        this.policy = policy;
        this.stallTimeoutMillis = stallTimeoutMillis;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(shard.shard().host()), shard.shard().port()), 64);
        this.acceptor = new Thread(this::accept, "virtual-master-" + shard.name());
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("shard {}: virtual master listening on {}:{}", shard.name(), shard.shard().host(), shard.shard().port());
    }

    ReplicaPolicy policy() {
        return policy;
    }

    List<DownstreamSession> sessions() {
        sessions.removeIf(s -> s.state() == DownstreamSession.State.STOPPED || s.state() == DownstreamSession.State.DROPPED);
        return sessions;
    }

    private void accept() {
        while (!closed) {
            try {
                final Socket socket = server.accept();
                final DownstreamSession session = new DownstreamSession(shard, socket, stallTimeoutMillis, policy);
                sessions.add(session);
                final Thread t = new Thread(session, "shard-" + shard.name() + "-" + socket.getRemoteSocketAddress());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("shard {}: accept failed: {}", shard.name(), e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        sessions.forEach(DownstreamSession::close);
    }
}
