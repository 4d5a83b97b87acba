package io.redisreplica.router.downstream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.router.config.ClientLimits;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.Agent;
import io.redisreplica.router.support.DistinctErrors;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.router.tls.SocketFactory;
import io.redisreplica.server.GrowingSnapshot;
import io.redisreplica.server.LagStats;
import io.redisreplica.server.ReplicaPolicy;
import io.redisreplica.server.spi.AckReader;
import io.redisreplica.server.spi.ClientGuard;
import io.redisreplica.server.spi.ReplicaHandshake;
import io.redisreplica.server.spi.ReplicaList;
import io.redisreplica.server.spi.SafeText;
import io.redisreplica.server.spi.StreamWriter;
import io.redisreplica.server.spi.SyncDecision;

/**
 * One replica of a shard, on a thread of its own: the {@link ReplicaHandshake}, then the
 * {@link SyncDecision} on its SYNC/PSYNC ({@code +CONTINUE} when the journal holds the asked
 * offset at an entry boundary, else {@code +FULLRESYNC} with the {@link SnapshotSender}, or the
 * {@link SnapshotStream} while the shard's next snapshot is being split), then the journal
 * through a {@link ShardJournalCursor}, written by the server SPI's {@link StreamWriter} at the
 * replica's own pace. A stalled replica costs a file position, not memory.
 *
 * <p>{@link #state} is written by this session's thread only; its {@link AckReader} publishes
 * the acknowledged offset and whether the replica stalled, and {@link #state()} shows PAUSED from
 * that. Others (INFO, metrics, retention, checkpoints) read the getters.
 *
 * <p>Over 300 lines: the getters others read and the one switch over the decision's outcomes
 * stay beside the single state they read and write; the handshake, the decision, the snapshot,
 * the stream and the ACKs are each in their own class.
 */
public final class ReplicaSession extends Agent {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSession.class);
    private static final long WAIT_FOR_SNAPSHOT_MS = 30 * 60 * 1000;
    /** How long {@link #close()} waits for the session's thread (its socket closed, it ends at once). */
    static final long JOIN_MILLIS = 3000;

    /**
     * Where the session is. PAUSED: the replica has not acknowledged progress for the stall
     * timeout while behind (frozen, or its socket stopped taking bytes); it holds no memory here
     * and continues from its offset when it acknowledges again.
     */
    public enum State { HANDSHAKE, FULL_SYNC, STREAMING, PAUSED, STOPPED, DROPPED }

    private final ShardRuntime shard;
    private final Socket socket;
    private final SocketFactory sockets;
    private final String peer;
    private final long stallTimeoutMillis;
    private final ReplicaPolicy policy;
    private final ClientGuard guard;
    private final ShardHandshakeHost host;
    private final ReplicaHandshake handshake;
    private final DistinctErrors ackErrors;
    /** Told once when the session ends: the listener forgets it and frees its client slot. */
    private final Runnable ended;

    private volatile State state = State.HANDSHAKE;
    private volatile long sentOffset = -1;
    /** Where the last write ends: past {@link #sentOffset} inside an entry in pieces; what an ACK may reach. */
    private volatile long writtenOffset = -1;
    /** Started once the stream starts; null before. */
    private volatile AckReader acks;
    /** The lag its ACK reader samples; null before the stream starts. */
    private volatile ReplicaLag lag;
    /** The offset of the snapshot this session sent, or -1: until the replica acknowledges it, it has not loaded it. */
    private long snapshotSentAt = -1;
    /**
     * After a diskless-framed transfer the replica finds the end by the mark being the last bytes
     * it read: nothing may follow until it ACKs, as a diskless Redis master waits too.
     */
    private boolean awaitFirstAck;
    /** The router closes this session (shutting down): set before its socket is closed. */
    private volatile boolean closedByRouter;

    /**
     * @param socket the accepted connection, which this session closes to wake (under TLS: the plain socket)
     * @param sockets what the session reads and writes on: {@code socket}, or TLS over it
     */
    ReplicaSession(ShardRuntime shard, Socket socket, SocketFactory sockets, long stallTimeoutMillis, ReplicaPolicy policy,
        ClientLimits limits, ClientGuard guard, ErrorHandler errors, DistinctErrors ackErrors, Runnable ended) {
        super("shard-" + shard.name() + "-" + socket.getRemoteSocketAddress(), errors, JOIN_MILLIS);
        this.shard = shard;
        this.socket = socket;
        this.sockets = sockets;
        this.peer = socket.getRemoteSocketAddress().toString();
        this.stallTimeoutMillis = stallTimeoutMillis;
        this.policy = policy;
        this.guard = guard;
        this.host = new ShardHandshakeHost(shard, limits);
        this.handshake = new ReplicaHandshake(socket, host, guard);
        this.ackErrors = ackErrors;
        this.ended = ended;
    }

    /**
     * Says whether another connection that claims this session's identity streams right now: then
     * this one is not that replica (one replica has one link), and its failures count against its
     * address, never against the replica it claims to be. Without a {@code shard-password} any
     * client can claim any identity; this keeps it from getting a healthy replica dropped.
     */
    private volatile java.util.function.Predicate<ReplicaSession> twinStreams = s -> false;

    void twinStreams(java.util.function.Predicate<ReplicaSession> test) {
        this.twinStreams = test;
    }

    /**
     * Counts a failure for the drop policy, unless the identity's real replica streams meanwhile (see {@link #twinStreams}).
     *
     * @return whether the policy dropped the replica
     */
    private boolean failed(String why) {
        if (twinStreams.test(this)) {
            guard.protocolFailed(socket.getInetAddress().getHostAddress(), "claimed to be replica " + identity()
                + ", which streams on another connection: " + SafeText.of(why));
            return false;
        }
        return policy.failed(identity(), why);
    }

    /** REPLCONF ACKs ignored because they were negative or beyond what was sent. */
    public long badAcks() {
        final AckReader a = acks;
        return a == null ? 0 : a.badAcks();
    }

    public State state() {
        final State s = state;
        final AckReader a = acks;
        return s == State.STREAMING && a != null && a.stalled() ? State.PAUSED : s;
    }

    public long sentOffset() {
        return sentOffset;
    }

    public long ackedOffset() {
        final AckReader a = acks;
        return a == null ? -1 : a.ackedOffset();
    }

    /** Lag in journal entries the replica has not acknowledged (-1: more than the commit ring remembers). */
    public long lagEntries() {
        final long acked = ackedOffset();
        return acked < 0 ? -1 : shard.commits().lagEntries(acked);
    }

    /** Lag now: milliseconds since the oldest data this replica has not acknowledged was committed. */
    public double lagMillis() {
        final ReplicaLag l = lag;
        return l == null ? 0 : l.millis();
    }

    /** The lag sampled at each ACK over the last minute: p50, p99, max, and count and sum since streaming started. */
    public LagStats lagWindow() {
        final ReplicaLag l = lag;
        return l == null ? LagStats.EMPTY : l.window();
    }

    /** The replica's IP address, as Redis lists it ({@code slaveN:ip=}). */
    String socketAddress() {
        return socket.getInetAddress().getHostAddress();
    }

    /** What INFO and ROLE list as the shard's replicas, for this connection's own questions. */
    void replicas(java.util.function.Supplier<ReplicaList> list) {
        host.replicas(list);
    }

    public String peer() {
        return peer;
    }

    /** How the policy knows this replica across connections: its host and announced port. */
    public String identity() {
        final int port = handshake.listeningPort();
        return socket.getInetAddress().getHostAddress() + ":" + (port > 0 ? port : socket.getPort());
    }

    public int listeningPort() {
        return handshake.listeningPort();
    }

    /** Whether the session has ended (INFO no longer lists it). */
    boolean ended() {
        final State s = state;
        return s == State.STOPPED || s == State.DROPPED;
    }

    private void state(State next, String reason) {
        LOG.info("shard {} replica {}: {} -> {} ({})", shard.name(), peer, state, next, reason);
        state = next;
    }

    /**
     * Closing the socket ends whatever the session is doing: a read, a write, a hold or a wait; the
     * session is marked closed by the router (its end is no failure of the replica's). A listener
     * wakes all its sessions ({@code wakeToClose()}) before it joins each.
     */
    @Override
    protected void wake() {
        closedByRouter = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    protected void run() {
        try {
            serve();
        } finally {
            ended.run();
        }
    }

    private void serve() {
        try (socket) {
            socket.setTcpNoDelay(true);
            // timeouts and closes go to the plain socket, under a TLS one too: it reads through it
            final Socket io = sockets.accept(socket);
            final InputStream in = io.getInputStream();
            // the handshake's replies are small; the stream's 64 KB buffer is made at SYNC/PSYNC
            final ReplicaHandshake.Sync sync = handshake.run(in, new BufferedOutputStream(io.getOutputStream(), 512));
            if (sync == null && handshake.wrongAuth()) {
                state = State.STOPPED; // not logged: ClientGuard logs a burst of wrong AUTHs once, not a line per connection
                return;
            } else if (sync == null) {
                state = State.STOPPED; // not logged: a health check (PING) or a scan does this too
                LOG.debug("shard {} replica {}: closed the connection during the handshake", shard.name(), peer);
                return;
            }
            socket.setSoTimeout(0);
            sync(sync, in, new BufferedOutputStream(io.getOutputStream(), 64 * 1024));
        } catch (IOException | RuntimeException e) {
            final State was = state;
            if (was == State.HANDSHAKE) {
                // before a valid PSYNC the announced listening port proves nothing: garbage or a
                // timeout counts against the address, never against the replica it claims to be
                state = State.STOPPED;
                guard.protocolFailed(socket.getInetAddress().getHostAddress(), "closed in the handshake: " + (e instanceof SSLException
                    ? "TLS: " + SafeText.of(sockets.reason(e)) : SafeText.of(e.toString())));
                return;
            }
            state(State.STOPPED, e.toString());
            if (was == State.FULL_SYNC && !(e instanceof SnapshotStream.Abandoned)) { // a failed split is not the replica's failure
                if (failed(was + ": " + e)) {
                    state(State.DROPPED, "failure policy");
                }
            }
        } finally {
            final AckReader a = acks;
            if (a != null) {
                a.close(); // joined: its last ACK is in before the snapshot check below
            }
            // a replica that got the whole snapshot and went without acknowledging it most likely
            // could not load it (an older RDB version, a full disk): a failure, as one mid-snapshot
            if (snapshotSentAt >= 0 && ackedOffset() < snapshotSentAt && state != State.DROPPED && !closedByRouter) {
                failed("closed after its snapshot without acknowledging it (could it load it?)");
            }
            if (state != State.STOPPED && state != State.DROPPED) {
                state = State.STOPPED; // whatever ended the thread, INFO must not show it as a live replica
            }
        }
    }

    private void sync(ReplicaHandshake.Sync sync, InputStream in, OutputStream out) throws IOException {
        final boolean psync = sync.replid() != null;
        final boolean rdbOnly = handshake.rdbOnly();
        // a drop that expired is taken (once) only by a replica that is let in
        final ReplicaPolicy.Admission admission = rdbOnly ? ReplicaPolicy.Admission.ALLOW : policy.admit(identity());
        final String refusal = admission.refused() ? "-" + admission.refusal() + "\r\n" : null;
        final SyncDecision.Request request = new SyncDecision.Request(sync.replid(), sync.offset(), rdbOnly, refusal, admission.fullResync(),
            socket.getLocalAddress().getHostAddress() + " " + socket.getLocalPort(), handshake.capaEof());
        if (rdbOnly) {
            state(State.FULL_SYNC, "rdb-only: checking the snapshot is current");
        }
        final long deadline = System.currentTimeMillis() + WAIT_FOR_SNAPSHOT_MS;
        boolean toldWaiting = false;
        try (JournalReader reader = shard.journal().reader()) {
            while (true) {
                // the epoch before the replid: a new epoch after this read ends the stream (newEpoch writes replid, then epoch)
                long epoch = shard.epoch();
                final ShardRuntime.Next next = shard.next();
                final GrowingSnapshot growing = next == null ? null : next.snapshot();
                final SyncDecision.Source at = position(reader, rdbOnly, growing != null);
                final SyncDecision decision = SyncDecision.decide(request, at);
                switch (decision.action()) {
                    case WAIT_FOR_SNAPSHOT -> {
                        // Before the router's first full sync there is nothing to send: hold the replica with the
                        // newlines a master sends while it prepares an RDB (refusing it would cost a 1 s retry).
                        if (!toldWaiting) {
                            LOG.info("shard {} replica {}: waiting for the shard's snapshot ({}): a full resync follows once the "
                                + "router's full sync of the master made it", shard.name(), peer,
                                shard.snapshotWait() != null ? shard.snapshotWait() : decision.reason());
                            toldWaiting = true;
                        }
                        if (System.currentTimeMillis() > deadline) {
                            write(out, "-NOMASTERLINK Can't SYNC while not connected with my master\r\n");
                            out.flush();
                            state(State.STOPPED, "no snapshot to send after " + WAIT_FOR_SNAPSHOT_MS / 1000 + " s: "
                                + (shard.snapshotWait() != null ? shard.snapshotWait() : decision.reason()));
                            return;
                        }
                        write(out, "\n");
                        out.flush();
                        if (!pause(50)) {
                            return;
                        }
                        continue;
                    }
                    case REFUSE_DROPPED -> {
                        // held before the answer: a refused replica reconnects at once, and would otherwise do
                        // so hundreds of times a second for the whole drop time
                        pause(admission.holdMillis());
                        write(out, decision.reply());
                        out.flush();
                        state = State.DROPPED;
                        LOG.info("shard {} replica {}: {}", shard.name(), peer, decision.reason());
                        return;
                    }
                    case REFUSE -> {
                        write(out, decision.reply());
                        out.flush();
                        state(State.STOPPED, decision.reason());
                        return;
                    }
                    case RDB_ONLY -> {
                        sendSnapshot(psync, reader, out, decision.reason());
                        out.flush();
                        state(State.STOPPED, "rdb-only: the snapshot was current and is sent");
                        return;
                    }
                    case CONTINUE -> {
                        if (reader.seek(decision.offset()) == SeekResult.BOUNDARY) {
                            write(out, "+CONTINUE " + at.replid() + "\r\n");
                            shard.countPartialResync();
                            state(State.STREAMING, decision.reason());
                            sentOffset = decision.offset();
                        } else {
                            sendSnapshot(psync, reader, out, "offset " + sync.offset() + " is not at an entry boundary");
                        }
                    }
                    case FULL_RESYNC -> sendSnapshot(psync, reader, out, decision.reason());
                    case STREAM_SNAPSHOT -> {
                        if (growing.state() != GrowingSnapshot.State.GROWING) {
                            continue; // done (or failed) since: decided again on the shard as it is now
                        }
                        streamSnapshot(growing, psync, reader, out, decision.reason());
                        epoch = next.epoch(); // complete: the shard is in the epoch it promised
                    }
                    default -> throw new IllegalStateException("unhandled " + decision.action());
                }
                out.flush();
                stream(reader, out, epoch, in, sync.rest());
                return;
            }
        }
    }

    /** The shard's position for the decision; the journal is scanned for writes after the snapshot only for rdb-only. */
    private SyncDecision.Source position(JournalReader reader, boolean rdbOnly, boolean growing) throws IOException {
        final String replid = shard.replid();
        final long snapshotOffset = shard.snapshotOffset();
        final long end = shard.journal().endOffset();
        final long firstWrite = rdbOnly && snapshotOffset >= 0 ? SnapshotSender.firstWriteAfter(reader, snapshotOffset) : -1;
        final long first = rdbOnly || snapshotOffset < 0 ? end : shard.journal().firstOffset(); // a probe: only when it counts
        return new SyncDecision.Source("shard " + shard.name(), replid, snapshotOffset, first, end, firstWrite, shard.previousReplid(),
            shard.previousReplidEnd(), shard.journalDamagedInThisEpoch(), growing);
    }

    private void sendSnapshot(boolean psync, JournalReader reader, OutputStream out, String why) throws IOException {
        state(State.FULL_SYNC, "sending the snapshot: " + why);
        final SnapshotSender.Sent sent = SnapshotSender.send(shard, psync, handshake.capaEof(), reader, out);
        awaitFirstAck = sent.eofMark();
        sentOffset = sent.offset();
        snapshotSentAt = sent.offset();
        shard.countFullResync();
        state(State.STREAMING, "snapshot of " + sent.bytes() + " bytes sent, streaming from offset " + sent.offset());
    }

    private void streamSnapshot(GrowingSnapshot growing, boolean psync, JournalReader reader, OutputStream out, String why)
        throws IOException {
        state(State.FULL_SYNC, "streaming the snapshot: " + why);
        final SnapshotSender.Sent sent = SnapshotStream.send(shard, growing, psync, reader, out, () -> closedByRouter);
        awaitFirstAck = true;
        sentOffset = sent.offset();
        snapshotSentAt = sent.offset();
        shard.countFullResync();
        state(State.STREAMING, "snapshot of " + sent.bytes() + " bytes streamed as it was split, streaming from offset " + sent.offset());
    }

    /** Starts the ACK reader, waits for the first ACK after a diskless-framed snapshot, then streams the journal. */
    private void stream(JournalReader reader, OutputStream out, long epoch, InputStream in, byte[] rest) throws IOException {
        final ReplicaLag l = new ReplicaLag(shard, ackErrors);
        // not watched for a stall before its first ACK (the SPI's default): a replica loading a large snapshot sends none
        final AckReader a = new AckReader("acks-" + shard.name() + "-" + peer, errors()::fatal, "shard " + shard.name() + " replica " + peer,
            socket, in, rest, () -> Math.max(sentOffset, writtenOffset), () -> shard.journal().endOffset())
            .stallMillis(stallTimeoutMillis).listener(l);
        lag = l;
        acks = a;
        a.start();
        // closing the socket (the router closing, the reader ending) ends this wait too
        try {
            if (awaitFirstAck && !a.awaitFirstAck(60_000)) {
                throw new IOException("replica sent no REPLCONF ACK within 60 s of the snapshot");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        final ShardJournalCursor cursor = new ShardJournalCursor(shard, reader, epoch);
        try {
            StreamWriter.write(cursor, sentOffset, out, socket, written -> {
                writtenOffset = written;
                sentOffset = cursor.boundary();
            });
        } catch (StreamWriter.HistoryEnded e) {
            throw new IOException("shard " + shard.name() + " has a new snapshot: the replica must resync");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state(State.STOPPED, "stream ended at offset " + sentOffset);
        }
    }

    /** Sleeps up to {@code millis}, in steps so a closing session does not wait it out; false when interrupted. */
    private boolean pause(long millis) {
        final long until = System.currentTimeMillis() + millis;
        try {
            while (!closedByRouter && System.currentTimeMillis() < until) {
                Thread.sleep(Math.min(100, Math.max(1, until - System.currentTimeMillis())));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        SnapshotSender.write(out, s);
    }
}
