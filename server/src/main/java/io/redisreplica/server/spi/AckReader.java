package io.redisreplica.server.spi;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * is busy writing, or blocked on a replica that stopped reading) and publishes what it learns: the
 * acknowledged offset and when it came, whether the replica stalled (behind, with no ACK progress
 * for the stall time: its session shows PAUSED), and how many ACKs it did not believe. It writes
 * nothing of the session's; its {@link Listener} hears it about every 100 ms (the owner samples
 * its lag there, from a clock of its own) and on a failed read.
 *
 * <p>An ACK outside [0, what was sent] is not believed (it would show a negative lag and keep a
 * stalled replica from pausing): it is ignored and counted. The session notes what it sent just
 * after a write returns, so an ACK a little ahead of the note gets 10 ms for the note to catch up.
 * What a replica sends here is bounded (2 KB commands): it cannot make this reader allocate; one
 * that sends a longer command or no RESP at all has its link closed.
 *
 * <p>Options, set before {@link #start()}: the stall time; a {@code repl-timeout} (a replica
 * silent that long is disconnected, as a Redis master does; off by default); and
 * {@link #stallBeforeFirstAck}. By default a replica that has not acknowledged yet is never shown
 * PAUSED: a replica loading a large snapshot sends no ACK until it has loaded it, and that is no
 * stall. The server counts a replica that continued ({@code +CONTINUE}) and has not ACKed yet as
 * standing where its stream began, so one stopped before its first ACK pauses all the same.
 */
public final class AckReader extends Loop {
    private static final Logger LOG = LoggerFactory.getLogger(AckReader.class);
    /** The read timeout: the reader wakes this often to sample and watch for a stall or a timeout, ACKs or not. */
    private static final int WAKE_MILLIS = 100;

    /** What the reader tells its owner, on the reader's thread. */
    public interface Listener {
        /** About every 100 ms once the replica acknowledged: where the owner samples the replica's lag. */
        default void sampled(long ackedOffset) {
        }

        /**
         * A read failed other than by either side closing the link (a reset, a protocol error, a
         * fault of this code): the reader ends and closes the socket, which ends the session.
         */
        default void readFailed(String what, Exception error) {
        }
    }

    private final String label;
    private final Socket socket;
    private final InputStream in;
    private final byte[] rest;
    private final LongSupplier sentOffset;
    private final LongSupplier endOffset;
    private long stallMillis = Long.MAX_VALUE;
    private long replTimeoutMillis;
    /** What a replica that has not ACKed is taken to stand at for the stall watch; -1: it is not watched before its first ACK. */
    private long unackedAt = -1;
    private Listener listener = new Listener() { };

    private volatile long ackedOffset = -1;
    private volatile long lastAckAt = -1;
    private volatile boolean stalled;
    /** Counted down at the first believed ACK, or when the reader ends (the link is gone): what a session waits on. */
    private final CountDownLatch firstAck = new CountDownLatch(1);
    private final AtomicLong badAcks = new AtomicLong();
    private long lastProgress = System.currentTimeMillis();
    private long lastHeard = System.currentTimeMillis();

    /**
     * @param name the thread's name
     * @param errors where a throwable that escapes the reader goes
     * @param label what the reader's log lines begin with ({@code replica 10.0.0.5:6379})
     * @param socket the replica's connection: closed when the reader ends (under TLS: the plain socket, whose timeout applies)
     * @param in what the reader reads
     * @param rest what the replica sent after its SYNC or PSYNC, read before this reader started
     * @param sentOffset the offset the session has written to the replica so far: an ACK beyond it is not believed
     * @param endOffset the source's end: a replica acknowledged up to it is not behind
     */
    public AckReader(String name, FatalErrors errors, String label, Socket socket, InputStream in, byte[] rest, LongSupplier sentOffset,
        LongSupplier endOffset) {
        super(name, errors, 1000);
        this.label = label;
        this.socket = socket;
        this.in = in;
        this.rest = rest.clone();
        this.sentOffset = sentOffset;
        this.endOffset = endOffset;
    }

    /** Shows the replica stalled after this long behind without ACK progress (default: never). */
    public AckReader stallMillis(long millis) {
        this.stallMillis = millis;
        return this;
    }

    /** Disconnects a replica that sent nothing for this long ({@code repl-timeout}); 0 (the default) never. */
    public AckReader replTimeoutMillis(long millis) {
        this.replTimeoutMillis = millis;
        return this;
    }

    /**
     * Watches a replica for a stall before its first ACK too, taking it to stand at {@code from}
     * (where its stream began) until it acknowledges. Without it (the default) a replica shows
     * PAUSED only after it acknowledged once: one loading a large snapshot is not stalled.
     */
    public AckReader stallBeforeFirstAck(long from) {
        this.unackedAt = from;
        return this;
    }

    /** Who hears the samples and a failed read. */
    public AckReader listener(Listener listener) {
        this.listener = listener;
        return this;
    }

    /** The replica's last believed ACK, -1 before the first. */
    public long ackedOffset() {
        return ackedOffset;
    }

    /** When the last believed ACK came ({@link System#currentTimeMillis()}), -1 before the first. */
    public long lastAckAt() {
        return lastAckAt;
    }

    /** Behind with no ACK progress for the stall time; clears when it acknowledges again. */
    public boolean stalled() {
        return stalled;
    }

    /** ACKs ignored because they were negative or beyond what was sent. */
    public long badAcks() {
        return badAcks.get();
    }

    /**
     * Waits for the replica's first ACK, or for the link to end.
     *
     * @return false when neither came within {@code millis}
     */
    public boolean awaitFirstAck(long millis) throws InterruptedException {
        return firstAck.await(millis, TimeUnit.MILLISECONDS);
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
                    LOG.debug("{}: closed the link", label);
                    return;
                }
                pending += n;
            }
        } catch (IOException | RuntimeException e) {
            if (!closing() && !socket.isClosed()) { // a socket this side closed is the session ending, not an error
                listener.readFailed(label + ": reading its ACKs failed; its session ends", e);
            }
        } finally {
            closeSocket(); // the session's stream sees it and ends
            firstAck.countDown(); // a session waiting for the first ACK sees the link gone
        }
    }

    private void ack(long acked) {
        if (!plausible(acked)) {
            if (badAcks.incrementAndGet() == 1) {
                LOG.warn("{}: REPLCONF ACK {} outside 0..{} (what was sent) ignored; further ones are counted", label, acked,
                    sentOffset.getAsLong());
            }
            return;
        }
        final long now = System.currentTimeMillis();
        final boolean progress = acked > ackedOffset;
        // the offset first, then the flag: whoever sees the replica streaming again sees what it acknowledged
        ackedOffset = acked;
        lastAckAt = now;
        if (progress) {
            lastProgress = now;
            if (stalled) {
                stalled = false;
                LOG.info("{}: PAUSED -> STREAMING (acknowledging again at offset {})", label, acked);
            }
        }
        firstAck.countDown();
    }

    /** An ACK within [0, sent], the note of what was sent given 10 ms to catch up with the write. */
    private boolean plausible(long acked) {
        if (acked < 0 || acked > endOffset.getAsLong()) {
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

    /** Samples, notes a stall and the replication timeout; false when the replica timed out (the link is closed). */
    private boolean watch() {
        final long now = System.currentTimeMillis();
        if (replTimeoutMillis > 0 && now - lastHeard > replTimeoutMillis) {
            LOG.warn("{}: nothing heard for {} ms (repl-timeout): disconnecting it", label, now - lastHeard);
            return false;
        }
        final long acked = ackedOffset >= 0 ? ackedOffset : unackedAt;
        if (acked < 0) {
            return true;
        }
        if (ackedOffset >= 0) {
            listener.sampled(acked);
        }
        final long end = endOffset.getAsLong();
        if (end <= acked) {
            lastProgress = now;
        } else if (!stalled && now - lastProgress > stallMillis) {
            stalled = true;
            LOG.info("{}: STREAMING -> PAUSED (no ACK progress for {} ms, {} bytes behind)", label, now - lastProgress, end - acked);
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
