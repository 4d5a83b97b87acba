package io.redisreplica.server;

import java.util.Objects;

/**
 * A {@link ReplicationServer}'s settings: fluent setters, each named after the Redis directive it
 * mirrors where there is one, and {@link #conclude()}, which checks them and fails with a message
 * that names the setting.
 *
 * <pre>{@code
 * ServerContext context = new ServerContext().source(backlog).port(6380).requirePass(secret);
 * }</pre>
 */
public final class ServerContext {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final long DEFAULT_PING_PERIOD_MILLIS = 10_000;
    public static final long DEFAULT_REPL_TIMEOUT_MILLIS = 60_000;
    public static final long DEFAULT_STALL_MILLIS = 10_000;
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    public static final long DEFAULT_SNAPSHOT_WAIT_MILLIS = 30 * 60 * 1000;
    public static final int DEFAULT_MAX_CLIENTS = 128;

    private ReplicationSource source;
    private String bind = DEFAULT_BIND;
    private int port;
    private String requirePass;
    private String requireUser;
    private long pingPeriodMillis = DEFAULT_PING_PERIOD_MILLIS;
    private long replTimeoutMillis = DEFAULT_REPL_TIMEOUT_MILLIS;
    private long stallMillis = DEFAULT_STALL_MILLIS;
    private long handshakeTimeoutMillis = DEFAULT_HANDSHAKE_TIMEOUT_MILLIS;
    private long snapshotWaitMillis = DEFAULT_SNAPSHOT_WAIT_MILLIS;
    private int maxClients = DEFAULT_MAX_CLIENTS;
    private ServerListener listener = new ServerListener() {
    };
    private ConnectionType connectionType = ConnectionType.PLAIN;
    private ReplicaPolicy policy = ReplicaPolicy.ALLOW_ALL;
    private String name;
    private int replicaPriority = -1;
    private boolean replicaAnnounced = true;

    /** What the server serves (required). */
    public ServerContext source(ReplicationSource value) {
        this.source = value;
        return this;
    }

    public ReplicationSource source() {
        return source;
    }

    /** The address to listen on ({@code bind}); loopback by default, as a fresh Redis. */
    public ServerContext bind(String value) {
        this.bind = value;
        return this;
    }

    public String bind() {
        return bind;
    }

    /** The port to listen on; 0 (the default) takes a free one, which {@link ReplicationServer#port()} tells. */
    public ServerContext port(int value) {
        this.port = value;
        return this;
    }

    public int port() {
        return port;
    }

    /**
     * The password a replica must give ({@code requirepass}; the replica's {@code masterauth}),
     * null for none. Before it, a connection may send only PING and AUTH, within Redis's limits
     * for an unauthenticated client. Never logged.
     */
    public ServerContext requirePass(String value) {
        this.requirePass = value;
        return this;
    }

    public String requirePass() {
        return requirePass;
    }

    /**
     * The user a replica's AUTH must name ({@code AUTH user password}: the replica's
     * {@code masteruser}), with {@link #requirePass} as that user's password; null (the default)
     * for Redis's {@code default} user, which {@code AUTH password} names.
     */
    public ServerContext requireUser(String value) {
        this.requireUser = value;
        return this;
    }

    public String requireUser() {
        return requireUser;
    }

    /** How often a PING goes into the stream while replicas are connected ({@code repl-ping-replica-period}); 0: never. */
    public ServerContext pingPeriodMillis(long value) {
        this.pingPeriodMillis = value;
        return this;
    }

    public long pingPeriodMillis() {
        return pingPeriodMillis;
    }

    /**
     * A streaming replica that sent no {@code REPLCONF ACK} for this long is disconnected
     * ({@code repl-timeout}; a live replica ACKs every second); 0: never.
     */
    public ServerContext replTimeoutMillis(long value) {
        this.replTimeoutMillis = value;
        return this;
    }

    public long replTimeoutMillis() {
        return replTimeoutMillis;
    }

    /** A replica behind without ACK progress for this long shows {@link ReplicaStatus.State#PAUSED}. */
    public ServerContext stallMillis(long value) {
        this.stallMillis = value;
        return this;
    }

    public long stallMillis() {
        return stallMillis;
    }

    /** A connection that has not sent SYNC or PSYNC within this is closed. */
    public ServerContext handshakeTimeoutMillis(long value) {
        this.handshakeTimeoutMillis = value;
        return this;
    }

    public long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    /** How long a replica is held (with the newlines a master sends while it prepares an RDB) for a snapshot the source lacks. */
    public ServerContext snapshotWaitMillis(long value) {
        this.snapshotWaitMillis = value;
        return this;
    }

    public long snapshotWaitMillis() {
        return snapshotWaitMillis;
    }

    /** Connections at once ({@code maxclients}); past it a new one is answered {@code -ERR max number of clients reached}. */
    public ServerContext maxClients(int value) {
        this.maxClients = value;
        return this;
    }

    public int maxClients() {
        return maxClients;
    }

    /** Told of errors and syncs (see {@link ServerListener}); a no-op by default (errors are logged either way). */
    public ServerContext listener(ServerListener value) {
        this.listener = value;
        return this;
    }

    public ServerListener listener() {
        return listener;
    }

    /** What replicas' connections are served on: {@link ConnectionType#PLAIN} (the default) or {@link ConnectionType#tls TLS}. */
    public ServerContext connectionType(ConnectionType value) {
        this.connectionType = value;
        return this;
    }

    public ConnectionType connectionType() {
        return connectionType;
    }

    /**
     * Which replicas may sync and what their failures cost them (see {@link ReplicaPolicy});
     * {@link ReplicaPolicy#ALLOW_ALL} by default, {@link DropPolicy} drops a replica that keeps failing.
     */
    public ServerContext policy(ReplicaPolicy value) {
        this.policy = value;
        return this;
    }

    public ReplicaPolicy policy() {
        return policy;
    }

    /**
     * What the server calls itself (the router: {@code shard a}): the prefix of its log lines and
     * thread names, and in its replies (an unknown command is answered "this is a replication
     * server for NAME"); null (the default) for none.
     */
    public ServerContext name(String value) {
        this.name = value;
        return this;
    }

    public String name() {
        return name;
    }

    /**
     * The {@code slave_priority} INFO shows ({@code replica-priority}); -1 (the default): not
     * shown. A server whose port a Sentinel may find among a real master's replicas (the router
     * announces a shard's port to its own master) shows 0, so Sentinel never promotes it.
     */
    public ServerContext replicaPriority(int value) {
        this.replicaPriority = value;
        return this;
    }

    public int replicaPriority() {
        return replicaPriority;
    }

    /**
     * Whether INFO leaves out {@code replica_announced:0} ({@code replica-announced}); true (the
     * default). False tells a Sentinel that finds this port not to list it among the master's replicas.
     */
    public ServerContext replicaAnnounced(boolean value) {
        this.replicaAnnounced = value;
        return this;
    }

    public boolean replicaAnnounced() {
        return replicaAnnounced;
    }

    /** Checks the settings; {@link ReplicationServer#start} calls it. */
    public ServerContext conclude() {
        Objects.requireNonNull(source, "source (what the server serves) is not set");
        Objects.requireNonNull(bind, "bind is not set");
        Objects.requireNonNull(listener, "listener is not set");
        Objects.requireNonNull(connectionType, "connectionType is not set");
        Objects.requireNonNull(policy, "policy is not set");
        check("port", port, 0, 65535);
        check("maxClients", maxClients, 1, Integer.MAX_VALUE);
        check("pingPeriodMillis", pingPeriodMillis, 0, Long.MAX_VALUE);
        check("replTimeoutMillis", replTimeoutMillis, 0, Long.MAX_VALUE);
        check("stallMillis", stallMillis, 1, Long.MAX_VALUE);
        check("handshakeTimeoutMillis", handshakeTimeoutMillis, 1, Integer.MAX_VALUE);
        check("snapshotWaitMillis", snapshotWaitMillis, 0, Long.MAX_VALUE);
        check("replicaPriority", replicaPriority, -1, Integer.MAX_VALUE);
        if (name != null && (name.isBlank() || !name.chars().allMatch(c -> c >= 0x20 && c < 0x7f))) {
            throw new IllegalArgumentException("name='" + name + "' (expected: printable ASCII, or null for none)");
        }
        if (requirePass != null && requirePass.isEmpty()) {
            throw new IllegalArgumentException("requirePass is empty (expected: null for no password, or a password)");
        }
        if (requireUser != null && (requireUser.isEmpty() || requirePass == null)) {
            throw new IllegalArgumentException("requireUser=" + requireUser + " (expected: a user name, with requirePass its password; "
                + "null for the default user)");
        }
        return this;
    }

    private static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + "=" + value + " (expected: " + min + ".." + max + ")");
        }
    }
}
