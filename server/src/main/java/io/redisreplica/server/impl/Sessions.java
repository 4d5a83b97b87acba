package io.redisreplica.server.impl;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.server.ReplicaPolicy;
import io.redisreplica.server.ReplicaStatus;
import io.redisreplica.server.ServerContext;
import io.redisreplica.server.Snapshot;
import io.redisreplica.server.spi.AcceptLoop;
import io.redisreplica.server.spi.AckReader;
import io.redisreplica.server.spi.ClientGuard;
import io.redisreplica.server.spi.ClientSlots;
import io.redisreplica.server.spi.HandshakeHost;
import io.redisreplica.server.spi.ReplicaList;
import io.redisreplica.server.spi.SafeText;

/**
 * A server's replica sessions and what they share: the settings, the {@link ClientGuard}, the
 * error policy, the {@link ClientSlots} ({@code maxclients}), the sync counters and the calls of
 * the {@link ReplicaPolicy} (with the check that a failing connection is the replica it claims to be). The SPI's
 * {@link AcceptLoop} takes a slot and hands each connection to {@link #start}. Sessions
 * register themselves when started and leave when they end; {@link #closeAll()} wakes every
 * session, then joins each.
 */
public final class Sessions implements HandshakeHost, AcceptLoop.Connections {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSession.class);
    private final ServerContext context;
    private final Errors errors;
    private final ClientGuard guard;
    private final Set<ReplicaSession> sessions = ConcurrentHashMap.newKeySet();
    private final ClientSlots slots;
    private final AtomicLong fullResyncs = new AtomicLong();
    private final AtomicLong partialResyncs = new AtomicLong();
    private volatile boolean closed;
    private final String masterName;
    private final String logPrefix;
    private final String threadPrefix;

    public Sessions(ServerContext context, Errors errors) {
        this.context = context;
        this.errors = errors;
        this.slots = new ClientSlots(context.maxClients());
        final String name = context.name();
        this.masterName = name == null ? "replication server" : name;
        this.logPrefix = name == null ? "" : name + " ";
        this.threadPrefix = name == null ? "" : name.replace(' ', '-') + "-";
        this.guard = new ClientGuard(masterName, context.requireUser());
    }

    /** What the server's replies, reasons and guard call it: its name, or "replication server". */
    String masterName() {
        return masterName;
    }

    /** Its name and a space before a session's log lines ({@code shard a replica ...}), "" without one. */
    String logPrefix() {
        return logPrefix;
    }

    /** Its name as a thread name's start ({@code shard-a-}), "" without one. */
    public String threadPrefix() {
        return threadPrefix;
    }

    public ServerContext context() {
        return context;
    }

    public Errors errors() {
        return errors;
    }

    public ClientGuard guard() {
        return guard;
    }

    /**
     * Starts the session of an accepted connection, which holds a slot (taken by
     * {@link ClientSlots#tryAcquire()}) until it ends and runs {@code release}; when it cannot start, the error
     * is thrown and the accept loop frees the slot.
     */
    @Override
    public void start(Socket socket, Runnable release) {
        guard.sweep(); // logs the end of failure bursts that are over, as the guard asks of every accepted connection
        final ReplicaSession[] self = new ReplicaSession[1];
        final ReplicaSession session = new ReplicaSession(this, socket, () -> {
            sessions.remove(self[0]);
            release.run();
        });
        self[0] = session;
        sessions.add(session);
        try {
            if (closed) { // closed while this one was accepted: it must not outlive closeAll
                throw new IllegalStateException("the server is closing");
            }
            session.start();
        } catch (RuntimeException | Error e) { // "unable to create native thread" too
            sessions.remove(session);
            throw e;
        }
    }

    /**
     * What the ACK reader of replica {@code peer} reports to: its samples to its {@code lag}; a
     * reset link ends its session quietly, as the stream's own failure does; anything else is a
     * fault, reported.
     */
    AckReader.Listener ackListener(String peer, ReplicaLag lag) {
        return new AckReader.Listener() {
            @Override
            public void sampled(long ackedOffset) {
                lag.sampled(ackedOffset);
            }

            @Override
            public void readFailed(String what, Exception error) {
                if (error instanceof IOException) {
                    LOG.debug("{}: {}", what, error.toString());
                } else {
                    errors.handled("acks-" + peer, error);
                }
            }
        };
    }

    /**
     * The policy's word on {@code session}'s sync; null when the policy failed (reported: the
     * connection closes, and the replica retries).
     */
    ReplicaPolicy.Admission admit(ReplicaSession session) {
        try {
            return Objects.requireNonNull(context.policy().admit(session.identity()), "the policy admitted null");
        } catch (RuntimeException e) {
            errors.handled(session.name(), new IllegalStateException("the replica policy failed: " + e, e));
            return null;
        }
    }

    /**
     * Tells the policy of a failure of {@code session}'s replica, unless another connection
     * streams as the replica it claims to be: then it is not that one (one replica has one link),
     * and the failure counts against its address, never against the replica it claims to be.
     *
     * @return whether the policy dropped the replica
     */
    boolean failed(ReplicaSession session, String why) {
        final String replica = session.identity();
        for (ReplicaSession other : sessions) {
            if (other != session && other.streamsAs(replica)) {
                guard.protocolFailed(session.address(), "claimed to be replica " + replica + ", which streams on another connection: "
                    + SafeText.of(why));
                return false;
            }
        }
        try {
            return context.policy().failed(replica, why);
        } catch (RuntimeException e) {
            errors.handled(session.name(), new IllegalStateException("the replica policy failed: " + e, e));
            return false;
        }
    }

    /** Tells the policy that {@code session}'s replica acknowledged its snapshot; a policy that throws is reported. */
    void loaded(ReplicaSession session) {
        try {
            context.policy().loaded(session.identity());
        } catch (RuntimeException e) {
            errors.handled(session.name(), new IllegalStateException("the replica policy failed: " + e, e));
        }
    }

    /** Connections refused because {@code maxclients} were connected, since start. */
    public long refused() {
        return slots.refused();
    }

    /** The {@code maxclients} slots the accept loop takes. */
    public ClientSlots slots() {
        return slots;
    }

    public long fullResyncs() {
        return fullResyncs.get();
    }

    public long partialResyncs() {
        return partialResyncs.get();
    }

    void countSync(boolean partial) {
        (partial ? partialResyncs : fullResyncs).incrementAndGet();
    }

    /** Tells the listener of a sync; a listener that throws is reported, never ends the session. */
    void told(ReplicaStatus status, boolean partial) {
        try {
            context.listener().onSync(status, partial);
        } catch (RuntimeException e) {
            errors.handled("listener onSync", e);
        }
    }

    /** The replicas past their handshake. */
    public List<ReplicaStatus> replicas() {
        final List<ReplicaStatus> list = new ArrayList<>();
        for (ReplicaSession s : sessions) {
            final ReplicaStatus status = s.status();
            if (status.state() != ReplicaStatus.State.HANDSHAKE && status.state() != ReplicaStatus.State.CLOSED) {
                list.add(status);
            }
        }
        list.sort((a, b) -> a.name().compareTo(b.name()));
        return list;
    }

    /** Whether any replica streams or loads the snapshot the stream follows (a master pings only then). */
    boolean streaming() {
        for (ReplicaSession s : sessions) {
            final ReplicaStatus.State state = s.state();
            if (state == ReplicaStatus.State.STREAMING || state == ReplicaStatus.State.LOADING) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String password() {
        return context.requirePass();
    }

    @Override
    public long handshakeTimeoutMillis() {
        return context.handshakeTimeoutMillis();
    }

    @Override
    public String info() {
        return "# Replication\r\nrole:master\r\n" + replicaList().infoLines() + "master_replid:" + replid() + "\r\nmaster_repl_offset:"
            + context.source().endOffset() + "\r\n" + (context.replicaPriority() >= 0 ? "slave_priority:" + context.replicaPriority() + "\r\n" : "")
            + (context.replicaAnnounced() ? "" : "replica_announced:0\r\n");
    }

    @Override
    public String role() {
        return "*3\r\n$6\r\nmaster\r\n:" + context.source().endOffset() + "\r\n" + replicaList().roleArray();
    }

    @Override
    public String unknownCommand(String safeName) {
        return "-ERR unknown command '" + safeName + "': this is a replication server" + (context.name() == null ? "" : " for " + context.name())
            + "; replicate it with REPLICAOF\r\n";
    }

    /**
     * The current history's replid, as INFO shows it ({@link io.redisreplica.server.ReplicationSource#replid()});
     * forty zeros when it has none.
     */
    String replid() {
        try {
            final String replid = context.source().replid();
            return replid == null ? "0".repeat(Snapshot.REPLID_LENGTH) : replid;
        } catch (IOException e) {
            return "0".repeat(Snapshot.REPLID_LENGTH);
        }
    }

    /** The replicas as INFO and ROLE list them: the lag is the time since the last ACK, as Redis's. */
    private ReplicaList replicaList() {
        final List<ReplicaList.Entry> list = new ArrayList<>();
        for (ReplicaStatus r : replicas()) {
            if (r.state() == ReplicaStatus.State.DROPPED || r.listeningPort() <= 0) {
                continue; // refused, or no port to reach it on (redis-cli --rdb/--replica): nothing a Sentinel could use
            }
            list.add(new ReplicaList.Entry(r.address(), r.listeningPort(), redisState(r.state()),
                Math.max(0, r.ackedOffset()), Math.max(0, r.lastAckMillisAgo() / 1000)));
        }
        return new ReplicaList(list);
    }

    /** Closes (and joins) the sessions of replica {@code name}; their end is not counted as the replica's failure. */
    public int disconnect(String name) {
        final List<ReplicaSession> hers = new ArrayList<>();
        for (ReplicaSession s : sessions) {
            if (s.identity().equals(name)) {
                hers.add(s);
            }
        }
        hers.forEach(ReplicaSession::wakeToClose);
        hers.forEach(ReplicaSession::close);
        return hers.size();
    }

    /**
     * Redis's words: {@code wait_bgsave} while no snapshot is ready, {@code send_bulk} while it goes
     * out, then {@code online} (loading it too, as a Redis master lists a replica it sent its RDB to).
     */
    private static String redisState(ReplicaStatus.State state) {
        return switch (state) {
            case WAIT_SNAPSHOT -> "wait_bgsave";
            case FULL_SYNC -> "send_bulk";
            default -> "online";
        };
    }

    /** Wakes every session (closes its socket), then joins each: none reads the source after this returns. */
    public void closeAll() {
        closed = true;
        final List<ReplicaSession> all = new ArrayList<>(sessions);
        all.forEach(ReplicaSession::wakeToClose);
        all.forEach(ReplicaSession::close);
    }
}
