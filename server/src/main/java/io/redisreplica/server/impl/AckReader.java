package io.redisreplica.server.impl;

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

/**
 * Reads a streaming replica's {@code REPLCONF ACK}s on a thread of its own (the session's thread
 * is busy writing, or blocked on a replica that stopped reading) and publishes what it learns:
 * the acknowledged offset and when it came, and whether the replica stalled (behind with no ACK
 * progress for the stall time). A replica silent for {@code repl-timeout} is disconnected, as a
 * Redis master does. It writes nothing of the session's.
 *
 * <p>An ACK outside [0, what was sent] is not believed: ignored and counted. What a replica sends
 * here is bounded (2 KB commands): a replica cannot make this reader allocate. A replica that
 * sends a longer command or no RESP at all is reported and its link closed.
 */
final class AckReader extends Agent {
    private static final Logger LOG = LoggerFactory.getLogger(AckReader.class);
    /** The read timeout: the reader wakes this often to watch for a stall or a timeout, ACKs or not. */
    private static final int WAKE_MILLIS = 100;

    private final String peer;
    private final Socket socket;
    private final InputStream in;
    private final byte[] rest;
    private final LongSupplier sentOffset;
    private final LongSupplier endOffset;
    private final long stallMillis;
    private final long replTimeoutMillis;
    /** Where the stream started: what a replica that has not ACKed yet is taken to stand at, for the stall watch. */
    private final long startOffset;

    private volatile long ackedOffset = -1;
    /** Counted down at the first valid ACK, or when the reader ends (the link is gone): what a session waits on. */
    private final java.util.concurrent.CountDownLatch firstAck = new java.util.concurrent.CountDownLatch(1);
    private volatile long lastAckAt = -1;
    private volatile boolean stalled;
    private long lastProgress = System.currentTimeMillis();
    private long lastHeard = System.currentTimeMillis();
    private final AtomicLong badAcks = new AtomicLong();

    AckReader(String peer, Socket socket, InputStream in, byte[] rest, long startOffset, LongSupplier sentOffset, LongSupplier endOffset,
        long stallMillis, long replTimeoutMillis, Errors errors) {
        super("acks-" + peer, errors, 1000);
        this.peer = peer;
        this.socket = socket;
        this.in = in;
        this.rest = rest;
        this.sentOffset = sentOffset;
        this.endOffset = endOffset;
        this.stallMillis = stallMillis;
        this.replTimeoutMillis = replTimeoutMillis;
        this.startOffset = startOffset;
    }

    long ackedOffset() {
        return ackedOffset;
    }

    /** When the last believed ACK came ({@link System#currentTimeMillis()}), -1 before the first. */
    long lastAckAt() {
        return lastAckAt;
    }

    boolean stalled() {
        return stalled;
    }

    long badAcks() {
        return badAcks.get();
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
                    lastHeard = System.currentTimeMillis();
                    if (c.argCount() >= 3 && c.argString(0).equalsIgnoreCase("REPLCONF") && c.argString(1).equalsIgnoreCase("ACK")) {
                        ack(c.argLong(2));
                    }
                }
                System.arraycopy(buf, at, buf, 0, pending - at);
                pending -= at;
                if (!watch()) {
                    return;
                }
                final int n;
                try {
                    n = in.read(buf, pending, buf.length - pending);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    LOG.debug("replica {}: closed the link", peer);
                    return;
                }
                pending += n;
            }
        } catch (IOException e) {
            LOG.debug("replica {}: the link ended: {}", peer, e.toString()); // the replica went away: its session ends
        } catch (RuntimeException e) {
            if (!closing()) {
                errors().handled(name() + ": reading its ACKs failed (its session ends)", e);
            }
        } finally {
            closeSocket(); // the session's stream sees it and ends
            firstAck.countDown(); // a session waiting for the first ACK sees the link gone
        }
    }

    /**
     * Waits for the replica's first ACK, or for the link to end.
     *
     * @return false when neither came within {@code millis}
     */
    boolean awaitFirstAck(long millis) throws InterruptedException {
        return firstAck.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void ack(long acked) {
        if (acked < 0 || acked > sentOffset.getAsLong()) {
            if (badAcks.incrementAndGet() == 1) {
                LOG.warn("replica {}: REPLCONF ACK {} outside 0..{} (what was sent) ignored; further ones are counted", peer, acked,
                    sentOffset.getAsLong());
            }
            return;
        }
        final long now = System.currentTimeMillis();
        if (acked > ackedOffset) {
            lastProgress = now;
            if (stalled) {
                stalled = false;
                LOG.info("replica {}: PAUSED -> STREAMING (acknowledging again at offset {})", peer, acked);
            }
        }
        ackedOffset = acked;
        lastAckAt = now;
        firstAck.countDown();
    }

    /** Notes a stall and the replication timeout; false when the replica timed out (the link is closed). */
    private boolean watch() {
        final long now = System.currentTimeMillis();
        if (replTimeoutMillis > 0 && now - lastHeard > replTimeoutMillis) {
            LOG.warn("replica {}: nothing heard for {} ms (repl-timeout): disconnecting it", peer, now - lastHeard);
            return false;
        }
        // a replica sends its first ACK up to a second after its sync: one stopped before it stalls all the same
        final long acked = ackedOffset >= 0 ? ackedOffset : startOffset;
        if (endOffset.getAsLong() <= acked) {
            lastProgress = now;
        } else if (!stalled && now - lastProgress > stallMillis) {
            stalled = true;
            LOG.info("replica {}: STREAMING -> PAUSED (no ACK progress for {} ms, {} bytes behind)", peer, now - lastProgress,
                endOffset.getAsLong() - acked);
        }
        return true;
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the session is ending anyway
        }
    }
}
