package io.redisreplica.router;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespDecoderContext;

/**
 * One replica of a shard: answers the replica handshake (PING, AUTH, REPLCONF, INFO, ROLE), then
 * SYNC/PSYNC: {@code +CONTINUE} when the journal holds the asked offset at an entry boundary,
 * else {@code +FULLRESYNC} with the shard's snapshot, then the journal from the snapshot's
 * offset, at the replica's own pace. A stalled replica costs a file position, not memory.
 */
final class DownstreamSession implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DownstreamSession.class);
    private static final long WAIT_FOR_SNAPSHOT_MS = 30 * 60 * 1000;
    /** Bytes written are flushed at least this often, so a busy stream still reaches the replica within a millisecond. */
    private static final long FLUSH_INTERVAL_NANOS = 1_000_000;

    /**
     * Where the session is. PAUSED: the replica has not acknowledged progress for the stall
     * timeout while behind (frozen, or its socket stopped taking bytes); it holds no memory here
     * and continues from its offset when it acknowledges again.
     */
    enum State { HANDSHAKE, FULL_SYNC, STREAMING, PAUSED, STOPPED, DROPPED }

    private final ShardRuntime shard;
    private final Socket socket;
    private final String peer;
    private volatile State state = State.HANDSHAKE;
    private volatile long sentOffset = -1;
    private volatile long ackedOffset = -1;
    /** The offset of the snapshot this session sent, or -1: until the replica acknowledges it, it has not loaded it. */
    private long snapshotSentAt = -1;
    private volatile int listeningPort;
    private boolean authenticated;
    private boolean capaEof;
    /** {@code REPLCONF rdb-only 1} (redis-cli --rdb, Redis 7): the client wants an RDB file, then nothing. */
    private boolean rdbOnly;
    /**
     * After a diskless-framed transfer the replica finds the end by the mark being the last bytes
     * it read: nothing may follow until it ACKs, as a diskless Redis master waits too.
     */
    private boolean awaitFirstAck;

    private final long stallTimeoutMillis;
    private final org.HdrHistogram.Histogram lagMillis = new org.HdrHistogram.Histogram(3_600_000L, 2);
    private volatile double currentLagMillis;
    private volatile long lastAckProgress = System.currentTimeMillis();

    private final ReplicaPolicy policy;
    private final ClientLimits limits;
    private final ClientGuard guard;
    /** REPLCONF ACKs outside [0, what the journal holds]: ignored, counted here. */
    private final java.util.concurrent.atomic.AtomicLong badAcks = new java.util.concurrent.atomic.AtomicLong();

    DownstreamSession(ShardRuntime shard, Socket socket, long stallTimeoutMillis, ReplicaPolicy policy) {
        this(shard, socket, stallTimeoutMillis, policy, new ClientLimits(ClientLimits.DEFAULT_MAX_CLIENTS,
            ClientLimits.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS), new ClientGuard("shard " + shard.name()));
    }

    DownstreamSession(ShardRuntime shard, Socket socket, long stallTimeoutMillis, ReplicaPolicy policy, ClientLimits limits,
        ClientGuard guard) {
        this.shard = shard;
        this.policy = policy;
        this.socket = socket;
        this.stallTimeoutMillis = stallTimeoutMillis;
        this.peer = socket.getRemoteSocketAddress().toString();
        this.limits = limits;
        this.guard = guard;
    }

    /** REPLCONF ACKs ignored because they were negative or beyond the shard's journal. */
    long badAcks() {
        return badAcks.get();
    }

    State state() {
        return state;
    }

    long sentOffset() {
        return sentOffset;
    }

    long ackedOffset() {
        return ackedOffset;
    }

    /** Lag in journal entries the replica has not acknowledged (-1: more than the commit ring remembers). */
    long lagEntries() {
        return ackedOffset < 0 ? -1 : shard.commits().lagEntries(ackedOffset);
    }

    /** Lag now: milliseconds since the oldest data this replica has not acknowledged was committed. */
    double lagMillis() {
        return currentLagMillis;
    }

    /** Lag percentiles since the session started streaming: {p50, p99, max} in ms. */
    synchronized double[] lagPercentiles() {
        return new double[] {lagMillis.getValueAtPercentile(50), lagMillis.getValueAtPercentile(99), lagMillis.getMaxValue()};
    }

    private synchronized void recordLag(double ms) {
        currentLagMillis = ms;
        lagMillis.recordValue(Math.min((long) ms, 3_600_000L));
    }

    String peer() {
        return peer;
    }

    /** How the policy knows this replica across connections: its host and announced port. */
    String identity() {
        return socket.getInetAddress().getHostAddress() + ":" + (listeningPort > 0 ? listeningPort : socket.getPort());
    }

    int listeningPort() {
        return listeningPort;
    }

    private void state(State next, String reason) {
        LOG.info("shard {} replica {}: {} -> {} ({})", shard.name(), peer, state, next, reason);
        state = next;
    }

    @Override
    public void run() {
        try (socket) {
            socket.setTcpNoDelay(true);
            final InputStream in = socket.getInputStream();
            // the handshake's replies are small; the stream's 64 KB buffer is made at SYNC/PSYNC
            final OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 512);
            // handshake commands are small (fewer before AUTH): a cap below the buffer size means a
            // peer can never fill it, and nothing is allocated for what a header announces
            CommandFramer framer = new CommandFramer(shard.password() != null ? ClientLimits.preAuth() : ClientLimits.handshake());
            final byte[] buf = new byte[ClientLimits.HANDSHAKE_MAX_COMMAND + 1024];
            final UnsafeBuffer view = new UnsafeBuffer(buf);
            final long deadline = System.currentTimeMillis() + limits.handshakeTimeoutMillis();
            int pending = 0;
            while (true) {
                final long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new SocketTimeoutException("no SYNC/PSYNC within " + limits.handshakeTimeoutMillis() + " ms");
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                final int n;
                try {
                    n = in.read(buf, pending, buf.length - pending);
                } catch (SocketTimeoutException e) {
                    throw new SocketTimeoutException("no SYNC/PSYNC within " + limits.handshakeTimeoutMillis() + " ms");
                }
                if (n < 0) {
                    state = State.STOPPED; // not logged: a health check (PING) or a scan does this too
                    LOG.debug("shard {} replica {}: closed the connection during the handshake", shard.name(), peer);
                    return;
                }
                pending += n;
                int at = 0;
                int framed;
                while ((framed = framer.frame(view, at, pending - at)) > 0) {
                    final Command c = framer.command();
                    at += framed;
                    if (c.isEmpty()) {
                        continue;
                    }
                    final String name = c.argString(0).toUpperCase(java.util.Locale.ROOT);
                    if (shard.password() != null && !authenticated && !name.equals("AUTH") && !name.equals("PING")) {
                        write(out, "-NOAUTH Authentication required.\r\n");
                        continue;
                    }
                    if (name.equals("SYNC") || name.equals("PSYNC")) {
                        final byte[] rest = java.util.Arrays.copyOfRange(buf, at, pending);
                        out.flush();
                        socket.setSoTimeout(0);
                        sync(name.equals("PSYNC") ? c.argString(1) : null, name.equals("PSYNC") ? c.argLong(2) : -1, in,
                            new BufferedOutputStream(socket.getOutputStream(), 64 * 1024), rest);
                        return;
                    }
                    final boolean wasAuthenticated = authenticated;
                    if (!reply(c, name, out)) {
                        out.flush();
                        state(State.STOPPED, "closed after a wrong AUTH");
                        return;
                    }
                    if (authenticated && !wasAuthenticated) {
                        framer = new CommandFramer(ClientLimits.handshake()); // the next command starts afresh
                    }
                }
                System.arraycopy(buf, at, buf, 0, pending - at);
                pending -= at;
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            final State was = state;
            if (was == State.HANDSHAKE) {
                // before a valid PSYNC the announced listening port proves nothing: garbage or a
                // timeout counts against the address, never against the replica it claims to be
                state = State.STOPPED;
                guard.protocolFailed(socket.getInetAddress().getHostAddress(), "closed in the handshake: " + SafeText.of(e.toString()));
                return;
            }
            state(State.STOPPED, e.toString());
            if (was == State.FULL_SYNC) {
                policy.failed(shard.name(), identity(), was + ": " + e);
                if (policy.dropped(identity())) {
                    state(State.DROPPED, "failure policy");
                }
            }
        } finally {
            // a replica that got the whole snapshot and went without acknowledging it most likely
            // could not load it (an older RDB version, a full disk): a failure, as one mid-snapshot
            if (snapshotSentAt >= 0 && ackedOffset < snapshotSentAt && state != State.DROPPED && !closedByRouter) {
                policy.failed(shard.name(), identity(), "closed after its snapshot without acknowledging it (could it load it?)");
            }
            if (state != State.STOPPED && state != State.DROPPED) {
                state = State.STOPPED; // whatever ended the thread, INFO must not show it as a live replica
            }
        }
    }

    /** Answers one handshake command; false when the connection must close (a wrong AUTH past the free attempts). */
    private boolean reply(Command c, String name, OutputStream out) throws IOException {
        switch (name) {
            case "PING" -> write(out, "+PONG\r\n");
            case "AUTH" -> {
                if (c.argCount() < 2 || c.argCount() > 3) {
                    write(out, "-ERR wrong number of arguments for 'auth' command\r\n");
                } else if (shard.password() == null) {
                    write(out, "-ERR AUTH called without any password configured for the default user.\r\n");
                } else if (guard.matches(c.argString(c.argCount() - 1), c.argCount() == 3 ? c.argString(1) : null, shard.password())) {
                    authenticated = true;
                    write(out, "+OK\r\n");
                } else {
                    final long delay = guard.authFailed(socket.getInetAddress().getHostAddress());
                    if (delay > 0) {
                        out.flush();
                        try {
                            Thread.sleep(delay);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    write(out, "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
                    return delay == 0;
                }
            }
            case "REPLCONF" -> {
                for (int i = 1; i + 1 < c.argCount(); i += 2) {
                    if (c.argString(i).equalsIgnoreCase("listening-port")) {
                        final long port = c.argLong(i + 1);
                        listeningPort = port > 0 && port <= 65535 ? (int) port : 0;
                    } else if (c.argString(i).equalsIgnoreCase("capa") && c.argString(i + 1).equalsIgnoreCase("eof")) {
                        capaEof = true;
                    } else if (c.argString(i).equalsIgnoreCase("rdb-only")) {
                        rdbOnly = c.argString(i + 1).equals("1");
                    }
                }
                write(out, "+OK\r\n");
            }
            case "INFO" -> {
                final String info = "# Replication\r\nrole:master\r\nmaster_replid:" + shard.replid()
                    + "\r\nmaster_repl_offset:" + shard.journal().endOffset() + "\r\n";
                write(out, "$" + info.length() + "\r\n" + info + "\r\n");
            }
            case "ROLE" -> write(out, "*3\r\n$6\r\nmaster\r\n:" + shard.journal().endOffset() + "\r\n*0\r\n");
            default -> write(out, "-ERR unknown command '" + SafeText.of(name) + "': this is a redis-replica virtual master for shard "
                + shard.name() + "; replicate it with REPLICAOF\r\n");
        }
        return true;
    }

    /** How long a refused replica's connection is held before its error (Redis's repl-timeout is 60 s). */
    private static final long REFUSAL_HOLD_MS = 10_000;

    private void hold(long millis) {
        final long until = System.currentTimeMillis() + millis;
        try {
            while (!closedByRouter && System.currentTimeMillis() < until) {
                Thread.sleep(Math.min(100, Math.max(1, until - System.currentTimeMillis())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sync(String psyncReplid, long psyncOffset, InputStream in, OutputStream out, byte[] rest) throws IOException {
        final boolean psync = psyncReplid != null;
        if (rdbOnly) {
            rdbOnly(psync, out);
            return;
        }
        String replid = psyncReplid;
        final String refusal = policy.refusal(identity());
        if (refusal != null) {
            // held before the answer: a refused replica reconnects at once, and would otherwise do
            // so hundreds of times a second for the whole drop time
            hold(Math.min(REFUSAL_HOLD_MS, policy.remainingDropMillis(identity())));
            write(out, refusal);
            out.flush();
            state = State.DROPPED;
            LOG.info("shard {} replica {}: sync refused, dropped by policy", shard.name(), peer);
            return;
        }
        if (policy.takeFullResync(identity())) {
            replid = null; // after a drop its offset is not trusted: a full resync
        }
        // Before the router's first full sync there is nothing to send: hold the replica with the
        // newlines a master sends while it prepares an RDB (refusing it would cost a 1 s retry).
        final long deadline = System.currentTimeMillis() + WAIT_FOR_SNAPSHOT_MS;
        if (shard.snapshotOffset() < 0) {
            LOG.info("shard {} replica {}: waiting for the shard's snapshot ({}): a full resync follows once the router's full "
                + "sync of the master made it", shard.name(), peer, shard.snapshotWait());
        }
        while (shard.snapshotOffset() < 0) {
            if (System.currentTimeMillis() > deadline) {
                write(out, "-NOMASTERLINK Can't SYNC while not connected with my master\r\n");
                out.flush();
                state(State.STOPPED, "no snapshot after " + WAIT_FOR_SNAPSHOT_MS / 1000 + " s: the router's first sync is not done");
                return;
            }
            write(out, "\n");
            out.flush();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try (JournalReader reader = shard.journal().reader()) {
            final String current = shard.replid();
            final long epoch = shard.epoch();
            if (replid != null && (replid.equals(current) || shard.continuesAfterCut(replid, psyncOffset - 1)) && psyncOffset > 0
                && reader.seek(psyncOffset - 1) == SeekResult.BOUNDARY) {
                write(out, "+CONTINUE " + current + "\r\n");
                shard.countPartialResync();
                state(State.STREAMING, "partial resync from offset " + psyncOffset);
                sentOffset = psyncOffset - 1;
            } else {
                fullResync(psync, reader, out);
            }
            out.flush();
            final Thread acks = new Thread(() -> readAcks(in, rest), "acks-" + shard.name() + "-" + peer);
            acks.setDaemon(true);
            acks.start();
            if (awaitFirstAck) {
                final long ackDeadline = System.currentTimeMillis() + 60_000;
                while (ackedOffset < 0 && !socket.isClosed()) {
                    if (System.currentTimeMillis() > ackDeadline) {
                        throw new IOException("replica sent no REPLCONF ACK within 60 s of the snapshot");
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            stream(reader, out, epoch);
        }
    }

    /**
     * An RDB for a client that wants nothing after it: the shard's snapshot, but only while it is
     * current, that is while no write follows it in the journal (keep-alives do not count). A
     * snapshot the journal has moved past would be a stale copy of the shard: the client gets an
     * error that says so, and how to get a current one.
     */
    private void rdbOnly(boolean psync, OutputStream out) throws IOException {
        state(State.FULL_SYNC, "rdb-only: checking the snapshot is current");
        final long snapshotOffset = shard.snapshotOffset();
        if (snapshotOffset < 0) {
            write(out, "-ERR shard " + shard.name() + " has no snapshot yet: the router's first sync of the master is not done\r\n");
            out.flush();
            state(State.STOPPED, "rdb-only: no snapshot yet");
            return;
        }
        try (JournalReader reader = shard.journal().reader()) {
            final long write = firstWriteAfter(reader, snapshotOffset);
            if (write >= 0) {
                write(out, "-ERR shard " + shard.name() + " snapshot is at offset " + snapshotOffset + " but its journal holds writes from offset "
                    + write + " to " + shard.journal().endOffset() + ": an RDB of the snapshot would be stale. For a current RDB, take it from a "
                    + "replica of the shard (REPLICAOF " + socket.getLocalAddress().getHostAddress() + " " + socket.getLocalPort()
                    + "), or apply the journal with 'redis-replica replay'\r\n");
                out.flush();
                state(State.STOPPED, "rdb-only refused: the snapshot at offset " + snapshotOffset + " is followed by writes");
                return;
            }
            fullResync(psync, reader, out);
            out.flush();
            state(State.STOPPED, "rdb-only: the snapshot was current and is sent");
        }
    }

    /** The start offset of the first entry after {@code from} that is not a keep-alive, or -1 when there is none. */
    private static long firstWriteAfter(JournalReader reader, long from) throws IOException {
        if (reader.seek(from) != SeekResult.BOUNDARY) {
            throw new IOException("the journal does not hold the snapshot offset " + from);
        }
        final JournalEntry entry = new JournalEntry();
        while (reader.nextPiece(entry)) {
            if ((entry.flags() & JournalEntryDescriptor.FLAG_NO_KEY) == 0) {
                return entry.startOffset();
            }
        }
        return -1;
    }

    private void fullResync(boolean psync, JournalReader reader, OutputStream out) throws IOException {
        state(State.FULL_SYNC, "sending the snapshot");
        while (true) {
            final String replid = shard.replid();
            final long snapshotOffset = shard.snapshotOffset();
            try (FileChannel file = FileChannel.open(shard.snapshot(), StandardOpenOption.READ)) {
                if (!replid.equals(shard.replid())) {
                    continue; // a new epoch landed between reading its identity and opening its file
                }
                if (reader.seek(snapshotOffset) != SeekResult.BOUNDARY) {
                    throw new IOException("journal of shard " + shard.name() + " does not hold the snapshot offset "
                        + snapshotOffset);
                }
                if (psync) {
                    write(out, "+FULLRESYNC " + replid + " " + snapshotOffset + "\r\n");
                }
                final long size = file.size();
                // a replica that announced capa eof gets the diskless framing, as from a diskless master
                final String mark = capaEof ? java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(20)) : null;
                write(out, mark != null ? "$EOF:" + mark + "\r\n" : "$" + size + "\r\n");
                out.flush();
                final java.nio.channels.WritableByteChannel channel = java.nio.channels.Channels.newChannel(out);
                long sent = 0;
                while (sent < size) {
                    sent += file.transferTo(sent, size - sent, channel);
                }
                if (mark != null) {
                    write(out, mark);
                    awaitFirstAck = true;
                }
                sentOffset = snapshotOffset;
                snapshotSentAt = snapshotOffset;
                shard.countFullResync();
                state(State.STREAMING, "snapshot of " + size + " bytes sent, streaming from offset " + snapshotOffset);
                return;
            }
        }
    }

    private void stream(JournalReader reader, OutputStream out, long epoch) throws IOException {
        final JournalEntry entry = new JournalEntry();
        final byte[] copy = new byte[64 * 1024];
        long lastFlush = System.nanoTime();
        try {
            while (!socket.isClosed()) {
                if (shard.epoch() != epoch) {
                    throw new IOException("shard " + shard.name() + " has a new snapshot: the replica must resync");
                }
                // piece by piece: an entry in pieces was committed whole, and a replica that loses
                // the link inside it discards the partial command and continues at its start
                final boolean got;
                try {
                    got = reader.nextPiece(entry);
                } catch (io.redisreplica.journal.JournalException damaged) {
                    // entries this replica needs cannot be read: a new snapshot, not a partial resync in a loop
                    shard.journalDamaged(damaged.getMessage());
                    throw damaged;
                }
                if (!got) {
                    out.flush();
                    reader.await(100, TimeUnit.MILLISECONDS);
                    continue;
                }
                final byte[] array = entry.payload().byteArray();
                int off = 0;
                if (array != null) { // the reader's copy of the entry: written as it is, a long one straight to the socket
                    out.write(array, (int) entry.payload().wrapAdjustment() + entry.payloadOffset(), entry.payloadLength());
                    off = entry.payloadLength();
                }
                while (off < entry.payloadLength()) {
                    final int n = Math.min(copy.length, entry.payloadLength() - off);
                    entry.payload().getBytes(entry.payloadOffset() + off, copy, 0, n);
                    out.write(copy, 0, n);
                    off += n;
                }
                if ((entry.flags() & JournalEntryDescriptor.FLAG_CONTINUED) == 0) {
                    sentOffset = entry.endOffset();
                }
                final long now = System.nanoTime();
                if (now - lastFlush >= FLUSH_INTERVAL_NANOS) {
                    out.flush();
                    lastFlush = now;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state(State.STOPPED, "stream ended at offset " + sentOffset);
        }
    }

    /** The replica's REPLCONF ACKs: its acknowledged offset. */
    private void readAcks(InputStream in, byte[] rest) {
        try {
            socket.setSoTimeout(100); // wake to sample lag and watch for stalls even without ACKs
        } catch (IOException e) {
            return;
        }
        final CommandFramer framer = new CommandFramer(new RespDecoderContext().maxCommandLength(2048).maxInlineLength(1024));
        byte[] buf = java.util.Arrays.copyOf(rest, Math.max(4096, rest.length));
        final UnsafeBuffer view = new UnsafeBuffer(buf);
        int pending = rest.length;
        try {
            while (true) {
                int at = 0;
                int framed;
                while ((framed = framer.frame(view, at, pending - at)) > 0) {
                    final Command c = framer.command();
                    at += framed;
                    if (c.argCount() >= 3 && c.argString(0).equalsIgnoreCase("REPLCONF") && c.argString(1).equalsIgnoreCase("ACK")) {
                        final long acked = c.argLong(2);
                        if (!plausibleAck(acked)) {
                            // not believed: it would show negative lag and keep a stalled replica from pausing
                            if (badAcks.incrementAndGet() == 1) {
                                LOG.warn("shard {} replica {}: REPLCONF ACK {} outside 0..{} (what was sent) ignored; further ones are "
                                    + "counted", shard.name(), peer, acked, sentOffset);
                            }
                            continue;
                        }
                        if (acked > ackedOffset) {
                            lastAckProgress = System.currentTimeMillis();
                            if (state == State.PAUSED) {
                                state(State.STREAMING, "acknowledging again at offset " + acked);
                            }
                        }
                        ackedOffset = acked;
                    }
                }
                System.arraycopy(buf, at, buf, 0, pending - at);
                pending -= at;
                watch();
                final int n;
                try {
                    n = in.read(buf, pending, buf.length - pending);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    socket.close();
                    return;
                }
                pending += n;
            }
        } catch (IOException | RuntimeException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the session is ending anyway
            }
        }
    }

    /**
     * An ACK within [0, sent]. The streaming thread notes what it sent just after the write
     * returns, so an ACK a little ahead of it gets 10 ms for the note to catch up.
     */
    private boolean plausibleAck(long acked) {
        if (acked < 0 || acked > shard.journal().endOffset()) {
            return false;
        }
        for (int i = 0; i < 10 && acked > sentOffset; i++) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return acked <= sentOffset;
    }

    /** Samples the lag and marks a replica PAUSED when it stopped acknowledging while behind. */
    private void watch() {
        if (ackedOffset < 0) {
            return;
        }
        final long end = shard.journal().endOffset();
        recordLag(shard.commits().lagMillis(ackedOffset, System.nanoTime()));
        final long now = System.currentTimeMillis();
        if (end <= ackedOffset) {
            lastAckProgress = now;
        } else if (state == State.STREAMING && now - lastAckProgress > stallTimeoutMillis) {
            state(State.PAUSED, "no ACK progress for " + (now - lastAckProgress) + " ms, " + (end - ackedOffset) + " bytes behind");
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The router closes this session (shutting down): its end is no failure of the replica's. */
    private volatile boolean closedByRouter;

    void close() {
        closedByRouter = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
