package io.redisreplica.router.downstream;

import java.util.function.Supplier;

import io.redisreplica.router.config.ClientLimits;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.server.spi.HandshakeHost;
import io.redisreplica.server.spi.ReplicaList;

/**
 * What the replica handshake (the server module's {@code ReplicaHandshake}, the same one a
 * {@code ReplicationServer} runs) asks of a shard's virtual master: the shard's password and the
 * port's handshake deadline, and INFO and ROLE as a Redis master answers them, so monitoring that
 * reads a master's replicas sees the shard's. One per connection; only the replica list is set
 * after it is made.
 */
final class ShardHandshakeHost implements HandshakeHost {
    private final ShardRuntime shard;
    private final ClientLimits limits;
    /** The shard's replicas as INFO's slaveN lines and ROLE's list show them (see {@link ReplicaList}). */
    private volatile Supplier<ReplicaList> replicas = () -> ReplicaList.NONE;

    ShardHandshakeHost(ShardRuntime shard, ClientLimits limits) {
        this.shard = shard;
        this.limits = limits;
    }

    void replicas(Supplier<ReplicaList> list) {
        this.replicas = list;
    }

    @Override
    public String password() {
        return shard.password();
    }

    @Override
    public long handshakeTimeoutMillis() {
        return limits.handshakeTimeoutMillis();
    }

    /**
     * Sentinels of the router's own master find shard 0's port among that master's replicas and
     * ask here too: priority 0 and not announced, so they never pick the router for promotion nor list it.
     */
    @Override
    public String info() {
        return "# Replication\r\nrole:master\r\n" + replicas.get().infoLines() + "master_replid:" + shard.replid()
            + "\r\nmaster_repl_offset:" + shard.journal().endOffset() + "\r\nslave_priority:0\r\nreplica_announced:0\r\n";
    }

    @Override
    public String role() {
        return "*3\r\n$6\r\nmaster\r\n:" + shard.journal().endOffset() + "\r\n" + replicas.get().roleArray();
    }

    @Override
    public String unknownCommand(String safeName) {
        return "-ERR unknown command '" + safeName + "': this is a redis-replica virtual master for shard " + shard.name()
            + "; replicate it with REPLICAOF\r\n";
    }
}
