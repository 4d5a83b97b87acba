package io.redisreplica.server.impl;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.resp.RespProtocolException;
import io.redisreplica.server.GrowingSnapshot;
import io.redisreplica.server.JournalCursor;
import io.redisreplica.server.LagStats;
import io.redisreplica.server.ReplicaPolicy;
import io.redisreplica.server.ReplicaStatus;
import io.redisreplica.server.ReplicaStatus.State;
import io.redisreplica.server.ReplicationSource;
import io.redisreplica.server.Snapshot;
import io.redisreplica.server.spi.AckReader;
import io.redisreplica.server.spi.ReplicaHandshake;
import io.redisreplica.server.spi.SafeText;
import io.redisreplica.server.spi.StreamWriter;
import io.redisreplica.server.spi.SyncDecision;

/**
 * One replica, on a thread of its own: the {@link ReplicaHandshake}, the SPI's {@link SyncDecision}
 * on its SYNC/PSYNC ({@code +CONTINUE}, or {@code +FULLRESYNC} with the {@link SnapshotTransfer}, or
 * the {@link SnapshotStream} of the source's growing snapshot, or a wait with newlines while the
 * source has no usable snapshot, or the snapshot alone for rdb-only), then the SPI's {@link StreamWriter} at
 * the replica's own pace while its {@link AckReader} publishes the acknowledged offset. A stalled
 * replica costs its cursor's position, not memory. The context's {@link ReplicaPolicy} admits each
 * sync (a refusal is held, then answered) and hears of the replica's failures: its link ending in
 * FULL_SYNC, or its close after the whole snapshot without an ACK of it (it could not load it).
 *
 * <p>{@link #state} is written by this thread only; others read {@link #status()}. After the
 * snapshot of a PSYNC it is LOADING, which shows STREAMING from the replica's first ACK on (the
 * ACK reader publishes it; this thread is busy writing the stream meanwhile).
 *
 * <p>Over 300 lines: the one switch over the decision's outcomes stays beside the single state it
 * writes and the end that judges it (a failure of the replica's or not); the handshake, the
 * decision, the snapshot, the stream, the ACKs and the policy's calls are each elsewhere.
 */
final class ReplicaSession extends Agent {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSession.class);
    /** How long {@link #close()} waits for the thread (its socket closed, it ends at once). */
    static final long JOIN_MILLIS = 3000;
    private static final long WAIT_STEP_MILLIS = 50;
    /** How long a replica is held before its refusal when the policy failed on it. */
    private static final long POLICY_FAILED_HOLD_MILLIS = 1000;
    /** After a diskless-framed snapshot, at least this long for the first ACK (repl-timeout when longer). */
    private static final long FIRST_ACK_MILLIS = 60_000;
    private final Sessions server;
    private final Socket socket;
    private final String peer;
    /** How its log lines name it: {@code replica ADDRESS:PORT}, after the server's name when it has one ({@code shard a replica ...}). */
    private final String who;
    private final ReplicaHandshake handshake;
    private final Runnable ended;

    private volatile State state = State.HANDSHAKE;
    /** Where its stream started: the offset it continued from, or its snapshot's; -1 before. */
    private volatile long startOffset = -1;
    /** A SYNC replica: it never ACKs and cannot resume, so what it holds is what it was sent. */
    private volatile boolean syncOnly;
    private volatile long sentOffset = -1;
    private volatile AckReader acks;
    /** The lag its ACK reader samples; null before the stream starts. */
    private volatile ReplicaLag lag;
    /** After a diskless-framed transfer nothing may follow until the replica ACKs: the mark must be the last bytes it read. */
    private boolean awaitFirstAck;
    /** The offset of the snapshot sent to a PSYNC replica, -1 for none: until it acknowledges it, it has not loaded it. */
    private long snapshotSentAt = -1;
    /** The session ended by the server's or the source's doing (a new history, a source failure): no failure of the replica's. */
    private boolean endedByServer;

    ReplicaSession(Sessions server, Socket socket, Runnable ended) {
        super(server.threadPrefix() + "replica-" + socket.getInetAddress().getHostAddress() + ":" + socket.getPort(), server.errors(), JOIN_MILLIS);
        this.server = server;
        this.socket = socket;
        this.peer = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        this.who = server.logPrefix() + "replica " + peer;
        this.handshake = new ReplicaHandshake(socket, server, server.guard());
        this.ended = ended;
    }

    ReplicaStatus status() {
        final AckReader a = acks;
        final ReplicaLag l = lag;
        State s = state();
        if (s == State.STREAMING && a != null && a.stalled()) {
            s = State.PAUSED;
        }
        final long acked = a == null ? -1 : a.ackedOffset();
        final long ackAt = a == null ? -1 : a.lastAckAt();
        final long sent = sentOffset;
        return new ReplicaStatus(socket.getInetAddress().getHostAddress(), socket.getPort(), handshake.listeningPort(), s,
            syncOnly ? sent : startOffset, sent, acked,
            acked < 0 ? -1 : Math.max(0, server.context().source().endOffset() - acked),
            ackAt < 0 ? -1 : System.currentTimeMillis() - ackAt, a == null ? 0 : a.badAcks(), l == null ? -1 : l.millis(),
            l == null ? LagStats.EMPTY : l.stats());
    }

    /** Its state, LOADING become STREAMING at its first ACK (which the ACK reader publishes). */
    State state() {
        final State s = state;
        if (s == State.LOADING) {
            final AckReader a = acks;
            return a != null && a.ackedOffset() >= 0 ? State.STREAMING : State.LOADING;
        }
        return s;
    }

    /** The replica's IP address. */
    String address() {
        return socket.getInetAddress().getHostAddress();
    }

    /** How the policy knows this replica across connections: {@code ip:listening-port}, as {@link ReplicaStatus#name()}. */
    String identity() {
        final int port = handshake.listeningPort();
        return socket.getInetAddress().getHostAddress() + ":" + (port > 0 ? port : socket.getPort());
    }

    /**
     * Whether this session streams (not paused) or loads its snapshot as replica {@code identity}:
     * then another connection that claims it is not it.
     */
    boolean streamsAs(String identity) {
        final AckReader a = acks;
        final State s = state;
        return (s == State.STREAMING || s == State.LOADING) && (a == null || !a.stalled()) && identity().equals(identity);
    }

    private void state(State next, String reason) {
        LOG.info("{}: {} -> {} ({})", who, state, next, reason);
        state = next;
    }

    /** Closing the socket ends whatever the session does: a read, a write, a wait. */
    @Override
    protected void wake() {
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
            final AckReader a = acks;
            if (a != null) {
                a.close(); // joined: its last ACK is in before the check below
            }
            // a replica that got the whole snapshot and went without acknowledging it most likely
            // could not load it (an older RDB version, a full disk): a failure, as one mid-snapshot
            if (snapshotSentAt >= 0 && (a == null || a.ackedOffset() < snapshotSentAt) && state != State.DROPPED && !endedByServer
                && !closing()) {
                if (server.failed(this, "closed after its snapshot without acknowledging it (could it load it?)")) {
                    state(State.DROPPED, "failure policy");
                }
            }
            if (state != State.DROPPED) {
                state = State.CLOSED;
            }
            ended.run();
        }
    }

    private void serve() {
        try (socket) {
            socket.setTcpNoDelay(true);
            // timeouts and closes go to the plain socket, under a TLS one too: it reads through it
            final Socket io = server.context().connectionType().accept(socket);
            final InputStream in = io.getInputStream();
            // the handshake's replies are small; the stream's 64 KB buffer is made at SYNC/PSYNC
            final OutputStream small = new BufferedOutputStream(io.getOutputStream(), 512);
            final ReplicaHandshake.Sync sync;
            try {
                sync = handshake.run(in, small);
            } catch (RespProtocolException e) {
                // as Redis answers a protocol error before it closes; the client's bytes made safe for the reply and the log
                ReplicaHandshake.write(small, "-ERR Protocol error: " + SafeText.of(e.getMessage(), 256) + "\r\n");
                small.flush();
                throw e;
            }
            if (sync == null) {
                LOG.debug("{}: closed in the handshake{}", who, handshake.wrongAuth() ? " (wrong AUTH)" : "");
                return;
            }
            socket.setSoTimeout(0);
            sync(sync, in, new BufferedOutputStream(io.getOutputStream(), 64 * 1024));
        } catch (SourceFailure e) {
            endedByServer = true;
            server.errors().handled(name(), e);
        } catch (IOException | RuntimeException e) {
            if (closing()) {
                return;
            }
            if (state == State.HANDSHAKE) {
                // garbage or a timeout before a valid PSYNC counts against the address only
                server.guard().protocolFailed(socket.getInetAddress().getHostAddress(), "closed in the handshake: " + (e instanceof SSLException
                    ? "TLS: " + SafeText.of(server.context().connectionType().reason(e)) : SafeText.of(e.toString())));
            } else if (e instanceof SnapshotStream.Abandoned) {
                endedByServer = true; // the source gave it up: not the replica's failure
                LOG.info("{}: {}", who, e.getMessage());
            } else if (e instanceof StreamWriter.HistoryEnded) {
                endedByServer = true;
                LOG.info("{}: {}", who, e.getMessage());
            } else if (e instanceof IOException) {
                LOG.info("{}: the link ended in {} at offset {}: {}", who, state(), sentOffset, e.toString());
                // an rdb-only client (redis-cli --rdb) is neither admitted nor counted by the policy
                if (state == State.FULL_SYNC && !handshake.rdbOnly() && !endedByServer && server.failed(this, State.FULL_SYNC + ": " + e)) {
                    state(State.DROPPED, "failure policy");
                }
            } else {
                server.errors().handled(name(), e); // a fault of this code, not of the replica's link
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sync(ReplicaHandshake.Sync sync, InputStream in, OutputStream out) throws IOException, InterruptedException {
        final boolean psync = sync.replid() != null;
        // an rdb-only client syncs nothing: the policy neither admits nor counts it
        final ReplicaPolicy.Admission admission = handshake.rdbOnly() ? ReplicaPolicy.Admission.ALLOW : server.admit(this);
        if (admission == null) { // the policy failed (reported): held, then refused, so a replica retries at a second's pace
            hold(POLICY_FAILED_HOLD_MILLIS);
            ReplicaHandshake.write(out, "-ERR " + server.masterName() + ": the replica policy failed; see the server's log\r\n");
            out.flush();
            return;
        }
        SyncDecision.Request request = new SyncDecision.Request(sync.replid(), sync.offset(), handshake.rdbOnly(),
            admission.refused() ? "-" + admission.refusal() + "\r\n" : null, admission.fullResync(),
            socket.getLocalAddress().getHostAddress() + " " + socket.getLocalPort(), handshake.capaEof());
        final long deadline = System.currentTimeMillis() + server.context().snapshotWaitMillis();
        boolean toldWaiting = false;
        while (true) {
            final Snapshot snapshot = source(() -> server.context().source().snapshot());
            final GrowingSnapshot growing = source(() -> server.context().source().growingSnapshot());
            final SyncDecision decision = SyncDecision.decide(request, position(snapshot, growing, request.rdbOnly()));
            switch (decision.action()) {
                case WAIT_FOR_SNAPSHOT -> {
                    if (!toldWaiting) {
                        state(State.WAIT_SNAPSHOT, decision.reason() + waitingFor());
                        toldWaiting = true;
                    }
                    if (System.currentTimeMillis() > deadline) {
                        ReplicaHandshake.write(out, "-NOMASTERLINK Can't SYNC while not connected with my master\r\n");
                        out.flush();
                        LOG.warn("{}: no usable snapshot within {} s{}: refused", who, server.context().snapshotWaitMillis() / 1000, waitingFor());
                        return;
                    }
                    // the newlines a master sends while it prepares an RDB: the replica's link stays up
                    out.write('\n');
                    out.flush();
                    Thread.sleep(WAIT_STEP_MILLIS);
                }
                case REFUSE_DROPPED -> {
                    // held before the answer: a refused replica reconnects at once, and would otherwise do so
                    // hundreds of times a second for the whole drop
                    state(State.DROPPED, decision.reason());
                    hold(admission.holdMillis());
                    ReplicaHandshake.write(out, decision.reply());
                    out.flush();
                    return;
                }
                case REFUSE -> {
                    ReplicaHandshake.write(out, decision.reply());
                    out.flush();
                    LOG.info("{}: {}", who, decision.reason());
                    return;
                }
                case RDB_ONLY -> {
                    // redis-cli --rdb: the snapshot, then nothing
                    state(State.FULL_SYNC, decision.reason());
                    final SnapshotTransfer.Sent sent = SnapshotTransfer.send(snapshot, psync, handshake.capaEof(), out);
                    out.flush();
                    server.countSync(false); // a full sync all the same, as Redis's sync_full counts it
                    LOG.info("{}: rdb-only: snapshot of {} bytes sent", who, sent.bytes());
                    server.told(status(), false);
                    return;
                }
                case CONTINUE, FULL_RESYNC -> {
                    if (serve(decision, snapshot, psync, sync, in, out)) {
                        return;
                    }
                    if (decision.action() == SyncDecision.Action.CONTINUE && sameHistory(snapshot)) {
                        // the source holds no command boundary there, as a replica never asks: a full resync, not this again
                        LOG.info("{}: no cursor at offset {}: a full resync instead", who, sync.offset());
                        request = new SyncDecision.Request(null, -1, false, null, false, request.self(), request.capaEof());
                    } // else the source moved between its offsets and the cursor: decided again
                }
                case STREAM_SNAPSHOT -> {
                    if (growing.state() == GrowingSnapshot.State.GROWING) {
                        streamSnapshot(growing, decision, psync, sync, in, out);
                        return;
                    } // complete (or abandoned) since: decided again on the source as it is now
                }
                default -> throw new IllegalStateException("unhandled " + decision.action());
            }
        }
    }

    /**
     * Where the source is, for the decision (its previous replid and whether its journal is
     * damaged too); for rdb-only also where the first write after the snapshot starts (the
     * keep-alives this server asked the source for make no snapshot stale).
     */
    private SyncDecision.Source position(Snapshot snapshot, GrowingSnapshot next, boolean rdbOnly) throws SourceFailure {
        final ReplicationSource source = server.context().source();
        final long first = source(source::firstOffset);
        final long end = source(source::endOffset);
        final boolean damaged = source(source::damaged);
        final boolean growing = next != null && next.state() == GrowingSnapshot.State.GROWING;
        if (snapshot == null) {
            return new SyncDecision.Source(server.masterName(), null, -1, first, end, -1, null, -1, damaged, growing);
        }
        final long firstWrite = rdbOnly && end > snapshot.offset() ? source(() -> source.firstWriteAfter(snapshot.offset())) : -1;
        return new SyncDecision.Source(server.masterName(), snapshot.replid(), snapshot.offset(), first, end, firstWrite, source(source::previousReplid),
            source(source::previousReplidEnd), damaged, growing);
    }

    /** A CONTINUE or a full resync, then the stream; false when the source moved on before its cursor opened. */
    private boolean serve(SyncDecision decision, Snapshot snapshot, boolean psync, ReplicaHandshake.Sync sync, InputStream in, OutputStream out)
        throws IOException, InterruptedException {
        final long from = decision.offset();
        try (JournalCursor cursor = source(() -> server.context().source().cursor(from))) {
            if (cursor == null || !sameHistory(snapshot)) {
                return false;
            }
            if (decision.action() == SyncDecision.Action.CONTINUE) {
                ReplicaHandshake.write(out, "+CONTINUE " + snapshot.replid() + "\r\n");
                out.flush();
                startOffset = from;
                sentOffset = from;
                server.countSync(true);
                state(State.STREAMING, decision.reason());
                server.told(status(), true);
            } else {
                state(State.FULL_SYNC, decision.reason());
                final SnapshotTransfer.Sent sent = SnapshotTransfer.send(snapshot, psync, handshake.capaEof(), out);
                out.flush();
                awaitFirstAck = sent.eofMark();
                snapshotSent(from, psync, "snapshot of " + sent.bytes() + " bytes sent");
            }
            stream(cursor, from, in, sync.rest(), out, psync);
            return true;
        }
    }

    /**
     * A full resync from the source's next snapshot as it is written; once complete, and the source
     * in its history with a cursor at its offset, the end mark, then the stream. Without them the
     * connection ends before the mark: the replica discards the transfer and syncs again.
     */
    private void streamSnapshot(GrowingSnapshot growing, SyncDecision decision, boolean psync, ReplicaHandshake.Sync sync,
        InputStream in, OutputStream out) throws IOException, InterruptedException {
        state(State.FULL_SYNC, decision.reason());
        final SnapshotStream.Streamed sent = SnapshotStream.send(growing, psync, out, this::closing);
        final long from = growing.offset();
        try (JournalCursor cursor = source(() -> server.context().source().cursor(from))) {
            final Snapshot now = source(() -> server.context().source().snapshot());
            if (cursor == null || now == null || !now.replid().equals(growing.replid()) || now.offset() != from) {
                endedByServer = true;
                throw new IOException("the growing snapshot " + growing.replid() + " completed, but the source is not in its history at offset "
                    + from + " (its snapshot: " + now + "): ended before the mark, the replica syncs again");
            }
            ReplicaHandshake.write(out, sent.mark());
            out.flush();
            awaitFirstAck = true;
            snapshotSent(from, psync, "snapshot of " + sent.bytes() + " bytes streamed as it was written");
            stream(cursor, from, in, sync.rest(), out, psync);
        }
    }

    /**
     * A full resync's snapshot is out (whole, or its end mark): the stream starts at {@code from}. A
     * PSYNC replica loads it until its first ACK (LOADING); a SYNC replica never ACKs, so it streams
     * at once and holds what it was sent.
     */
    private void snapshotSent(long from, boolean psync, String what) {
        syncOnly = !psync;
        startOffset = from;
        sentOffset = from;
        if (psync) {
            snapshotSentAt = from; // a SYNC replica never ACKs: its silence says nothing
        }
        server.countSync(false);
        state(psync ? State.LOADING : State.STREAMING, what + ", streaming from offset " + from);
        server.told(status(), false);
    }

    /**
     * Whether the source is still in {@code snapshot}'s history once a cursor was opened: a cursor
     * belongs to the history current when it opens, so this check makes sure the snapshot sent and
     * the stream after it are of one history.
     */
    private boolean sameHistory(Snapshot snapshot) throws SourceFailure {
        final Snapshot now = source(() -> server.context().source().snapshot());
        return now != null && now.replid().equals(snapshot.replid());
    }

    /**
     * @param psync false for a replica that sent SYNC (Redis before 2.8, {@code redis-cli --replica}): it
     *     never sends REPLCONF ACK, so, as Redis does for its pre-PSYNC replicas, it is neither timed out
     *     nor watched for stalls nor waited for after a diskless snapshot
     */
    private void stream(JournalCursor cursor, long from, InputStream in, byte[] rest, OutputStream out, boolean psync)
        throws IOException, InterruptedException {
        final ReplicaLag l = new ReplicaLag(server.context().source(), server.errors(), name());
        lag = l;
        final AckReader a = new AckReader("acks-" + server.threadPrefix() + peer, errors()::fatal, who, socket, in, rest, () -> sentOffset,
            () -> server.context().source().endOffset()).listener(loadedOnce(server.ackListener(peer, l), psync ? snapshotSentAt : -1));
        if (psync) {
            a.stallMillis(server.context().stallMillis()).replTimeoutMillis(server.context().replTimeoutMillis());
            if (snapshotSentAt < 0) {
                // after +CONTINUE a replica ACKs within a second: one stopped before its first ACK pauses all the same.
                // After a snapshot it sends none until it has loaded it, which may take minutes: that is no stall
                a.stallBeforeFirstAck(from);
            }
        }
        acks = a;
        a.start();
        if (awaitFirstAck && psync) {
            // the replica loads the snapshot before it ACKs: bounded like a diskless Redis master's wait
            final long wait = Math.max(FIRST_ACK_MILLIS, server.context().replTimeoutMillis());
            if (!a.awaitFirstAck(wait)) {
                throw new IOException("no REPLCONF ACK within " + wait + " ms of the snapshot");
            }
        }
        try {
            StreamWriter.write(SourceFailure.marking(cursor), from, out, socket, sent -> sentOffset = sent);
        } finally {
            LOG.info("{}: stream ended at offset {}", who, sentOffset);
        }
    }

    /**
     * {@code acks}, which also logs the replica's first ACK after the snapshot at {@code snapshotAt}
     * (LOADING to STREAMING, as {@link #state()} derives it) and tells the policy once when it
     * acknowledged that snapshot (it loaded it); {@code acks} alone when none was sent ({@code -1}).
     */
    private AckReader.Listener loadedOnce(AckReader.Listener acks, long snapshotAt) {
        if (snapshotAt < 0) {
            return acks;
        }
        return new AckReader.Listener() {
            private boolean logged; // the ACK reader's thread only
            private boolean told;

            @Override
            public void sampled(long ackedOffset) {
                acks.sampled(ackedOffset);
                if (!logged) {
                    logged = true;
                    LOG.info("{}: LOADING -> STREAMING (its first ACK, at offset {}: it loaded the snapshot)", who, ackedOffset);
                }
                if (!told && ackedOffset >= snapshotAt) {
                    told = true;
                    server.loaded(ReplicaSession.this);
                }
            }

            @Override
            public void readFailed(String what, Exception error) {
                acks.readFailed(what, error);
            }
        };
    }

    /** What the source says it waits for, as " (REASON)", or "" when it says nothing (or fails to). */
    private String waitingFor() {
        try {
            final String why = server.context().source().snapshotWait();
            return why == null ? "" : " (waiting for: " + SafeText.of(why, 200) + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Sleeps up to {@code millis} in steps, so a closing session does not wait it out. */
    private void hold(long millis) throws InterruptedException {
        final long until = System.currentTimeMillis() + millis;
        while (!closing() && System.currentTimeMillis() < until) {
            Thread.sleep(Math.min(100, Math.max(1, until - System.currentTimeMillis())));
        }
    }

    private static <T> T source(SourceFailure.Call<T> call) throws SourceFailure {
        return SourceFailure.call(call);
    }
}
