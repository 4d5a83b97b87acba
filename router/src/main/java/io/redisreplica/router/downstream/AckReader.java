package io.redisreplica.router.downstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.Agent;
import io.redisreplica.router.support.DistinctErrors;
import io.redisreplica.router.support.ErrorHandler;

/**
 * Reads a streaming replica's {@code REPLCONF ACK}s on a thread of its own (the session's thread
 * is busy writing, or blocked on a replica that stopped reading) and publishes what it learns:
 * the acknowledged offset, whether the replica stalled (no ACK progress for the stall timeout
 * while behind: its session shows PAUSED), and its lag. It writes nothing of the session's.
 *
 * <p>An ACK outside [0, what was sent] is not believed (it would show a negative lag and keep a
 * stalled replica from pausing): it is ignored and counted. A read that fails other than by the
 * replica or the session closing the link is recorded once per distinct error and closes the
 * socket, which ends the session.
 */
final class AckReader extends Agent {
    private static final Logger LOG = LoggerFactory.getLogger(AckReader.class);
    /** The read timeout: the reader wakes this often to sample the lag and watch for a stall, ACKs or not. */
    private static final int WAKE_MILLIS = 100;

    private final ShardRuntime shard;
    private final String peer;
    private final Socket socket;
    private final InputStream in;
    /** What the replica sent after its PSYNC, before this reader started. */
    private final byte[] rest;
    private final LongSupplier sentOffset;
    private final long stallTimeoutMillis;
    private final DistinctErrors readErrors;

    private volatile long ackedOffset = -1;
    private volatile boolean stalled;
    private long lastAckProgress = System.currentTimeMillis();
    private final AtomicLong badAcks = new AtomicLong();
    private final LagWindow lagWindow = new LagWindow();
    private volatile double currentLagMillis;

    AckReader(ShardRuntime shard, String peer, Socket socket, InputStream in, byte[] rest, LongSupplier sentOffset,
        long stallTimeoutMillis, ErrorHandler errors, DistinctErrors readErrors) {
        super("acks-" + shard.name() + "-" + peer, errors, 1000);
        this.shard = shard;
        this.peer = peer;
        this.socket = socket;
        this.in = in;
        this.rest = rest;
        this.sentOffset = sentOffset;
        this.stallTimeoutMillis = stallTimeoutMillis;
        this.readErrors = readErrors;
    }

    /** The replica's last believed ACK, -1 before the first. */
    long ackedOffset() {
        return ackedOffset;
    }

    /** No ACK progress for the stall timeout while behind; clears when it acknowledges again. */
    boolean stalled() {
        return stalled;
    }

    long badAcks() {
        return badAcks.get();
    }

    double lagMillis() {
        return currentLagMillis;
    }

    /** The lag sampled at each ACK over the last minute (see {@link LagWindow}). */
    LagWindow.Snapshot lagWindow() {
        return lagWindow.snapshot(System.currentTimeMillis());
    }

    private void recordLag(double ms) {
        currentLagMillis = ms;
        lagWindow.record(ms, System.currentTimeMillis());
    }

    @Override
    protected void wake() {
        closeSocket();
    }

    @Override
    protected void run() {
        final CommandFramer framer = new CommandFramer(new RespDecoderContext().maxCommandLength(2048).maxInlineLength(1024));
        final byte[] buf = Arrays.copyOf(rest, Math.max(4096, rest.length));
        final UnsafeBuffer view = new UnsafeBuffer(buf);
        int pending = rest.length;
        try {
            socket.setSoTimeout(WAKE_MILLIS);
            while (!closing()) {
                int at = 0;
                int framed;
                while ((framed = framer.frame(view, at, pending - at)) > 0) {
                    final Command c = framer.command();
                    at += framed;
                    if (c.argCount() >= 3 && c.argString(0).equalsIgnoreCase("REPLCONF") && c.argString(1).equalsIgnoreCase("ACK")) {
                        ack(c.argLong(2));
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
                    LOG.debug("shard {} replica {}: closed the link", shard.name(), peer);
                    return;
                }
                pending += n;
            }
        } catch (IOException | RuntimeException e) {
            if (!closing() && !socket.isClosed()) { // a socket this side closed is the session ending, not an error
                readErrors.record("replica " + peer + ": reading its ACKs failed; its session ends", e);
            }
        } finally {
            closeSocket(); // the session's stream sees it and ends
        }
    }

    private void ack(long acked) {
        if (!plausible(acked)) {
            if (badAcks.incrementAndGet() == 1) {
                LOG.warn("shard {} replica {}: REPLCONF ACK {} outside 0..{} (what was sent) ignored; further ones are counted",
                    shard.name(), peer, acked, sentOffset.getAsLong());
            }
            return;
        }
        final boolean progress = acked > ackedOffset;
        // the offset first, then the flag: whoever sees the replica streaming again sees what it acknowledged
        ackedOffset = acked;
        if (progress) {
            lastAckProgress = System.currentTimeMillis();
            if (stalled) {
                stalled = false;
                LOG.info("shard {} replica {}: PAUSED -> STREAMING (acknowledging again at offset {})", shard.name(), peer, acked);
            }
        }
    }

    /**
     * An ACK within [0, sent]. The streaming thread notes what it sent just after the write
     * returns, so an ACK a little ahead of it gets 10 ms for the note to catch up.
     */
    private boolean plausible(long acked) {
        if (acked < 0 || acked > shard.journal().endOffset()) {
            return false;
        }
        for (int i = 0; i < 10 && acked > sentOffset.getAsLong(); i++) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return acked <= sentOffset.getAsLong();
    }

    /** Samples the lag and notes a stall: no ACK progress for the stall timeout while behind. */
    private void watch() {
        final long acked = ackedOffset;
        if (acked < 0) {
            return;
        }
        final long end = shard.journal().endOffset();
        recordLag(shard.commits().lagMillis(acked, System.nanoTime()));
        final long now = System.currentTimeMillis();
        if (end <= acked) {
            lastAckProgress = now;
        } else if (!stalled && now - lastAckProgress > stallTimeoutMillis) {
            stalled = true;
            LOG.info("shard {} replica {}: STREAMING -> PAUSED (no ACK progress for {} ms, {} bytes behind)", shard.name(), peer,
                now - lastAckProgress, end - acked);
        }
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the session is ending anyway
        }
    }
}
