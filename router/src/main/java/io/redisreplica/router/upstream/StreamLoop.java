package io.redisreplica.router.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.resp.RespProtocolException;
import io.redisreplica.router.routing.CommandRouter;
import io.redisreplica.router.routing.RouterException;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.SpillBuffer;
import io.redisreplica.router.support.SpillFiles;

/**
 * The command stream after the sync: reads into one buffer, frames each command once, routes it
 * into the shards' journals, and keeps four clocks on a read tick of {@link #TICK_MS}: commit
 * (every read that routed something), ACK to the master ({@link #ACK_INTERVAL_MS}, or at once
 * on {@code REPLCONF GETACK}), checkpoint ({@link #CHECKPOINT_INTERVAL_MS}, written by the
 * {@link CheckpointWriter}'s thread, never this one) and the keep-alive
 * entry in every shard ({@link #KEEPALIVE_INTERVAL_MS}). The buffer grows for a command longer
 * than it, up to the command length limit, and shrinks back after it; past the heap limit of a
 * {@link SpillBuffer} it lies in a mapped spill file, so a 500 MB SET costs no heap.
 */
final class StreamLoop {
    /** The read timeout while streaming: how often the clocks are looked at when the master is quiet. */
    static final int TICK_MS = 100;
    static final long ACK_INTERVAL_MS = 1000;
    static final long KEEPALIVE_INTERVAL_MS = 10_000;
    /** How often the upstream position is checkpointed: bounds what a restart replays from the master's backlog. */
    static final long CHECKPOINT_INTERVAL_MS = 200;
    /** The read buffer's usual size; it grows for a longer command and shrinks back after it. */
    static final int READ_BUFFER = 1 << 20;
    /** What one read takes from the socket while the buffer is a spill file (read through a heap array). */
    static final int SPILLED_READ = 64 * 1024;

    private final List<ShardRuntime> shards;
    private final UpstreamPosition position;
    private final CommandRouter router;
    private final long protoMaxBulkLen;
    private final RespDecoderContext limits;
    private final SpillFiles spill;
    private final byte[] keepAlive = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private volatile long bufferGrowths;
    /** Commands routed in the current read, counted to check the clock every 64 of them. */
    private long routedInChunk;

    StreamLoop(List<ShardRuntime> shards, UpstreamPosition position, long protoMaxBulkLen, int maxCommandLength, SpillFiles spill) {
        this.spill = spill;
        this.shards = shards;
        this.position = position;
        this.router = position.router();
        this.protoMaxBulkLen = protoMaxBulkLen;
        this.limits = new RespDecoderContext().maxBulkLength(protoMaxBulkLen).maxCommandLength(maxCommandLength);
    }

    /** How often the read buffer grew for a command longer than it (it shrinks back after each). */
    long bufferGrowths() {
        return bufferGrowths;
    }

    /**
     * Streams from {@code startOffset} until {@code closing} says so or the connection fails.
     *
     * @param ack where ACKs go; null for a master that takes none (SYNC)
     * @throws RouterException when the stream cannot be read (retrying would meet the same bytes)
     */
    void run(MasterConnection connection, InputStream in, ReplconfAck ack, long startOffset, BooleanSupplier closing)
        throws IOException {
        connection.readTimeout(TICK_MS);
        final CommandFramer framer = new CommandFramer(limits);
        framer.position(startOffset);
        final long maxBuffer = (long) limits.maxCommandLength() + 1024;
        final SpillBuffer buf = spill.buffer(READ_BUFFER);
        final byte[] spilledRead = new byte[SPILLED_READ];
        int pending = 0;
        long lastAck = 0;
        long lastKeepAlive = System.currentTimeMillis();
        long lastCheckpoint = 0;
        while (!closing.getAsBoolean()) {
            int n;
            try {
                if (pending == buf.capacity()) {
                    if (buf.capacity() >= maxBuffer) {
                        throw new RouterException("command at offset " + framer.position() + " is longer than " + limits.maxCommandLength()
                            + " bytes (twice proto-max-bulk-len " + protoMaxBulkLen + "): raise proto-max-bulk-len");
                    }
                    // to the length the framer knows the command needs (its argument's declared length), at least double
                    buf.checkLimit((int) Math.min(Math.max(2L * buf.capacity(), framer.needed()), maxBuffer));
                    bufferGrowths++;
                }
                if (buf.byteArray() != null) {
                    n = in.read(buf.byteArray(), pending, buf.capacity() - pending);
                } else {
                    n = in.read(spilledRead, 0, Math.min(spilledRead.length, buf.capacity() - pending));
                    if (n > 0) {
                        buf.putBytes(pending, spilledRead, 0, n);
                    }
                }
                if (n < 0) {
                    throw new IOException("master closed the connection at offset " + framer.position());
                }
            } catch (SocketTimeoutException idle) {
                n = 0;
            }
            pending += n;
            int at = 0;
            boolean getAck = false;
            int framed;
            // where the last whole command routed ends: what a stream error leaves standing, and no further
            long routedUpTo = framer.position();
            try {
                while ((framed = framer.frame(buf, at, pending - at)) > 0) {
                    final Command c = framer.command();
                    if (c.isInline() && !c.isEmpty()) {
                        // a master streams RESP arrays only: a text line is no command of its, and is never journaled
                        throw new RespProtocolException("a text line where a command belongs: " + c.argDisplay(0, 64), c.streamOffset());
                    }
                    at += framed;
                    position.at(framer.position());
                    if (router.route(c) == CommandRouter.Outcome.GETACK) {
                        getAck = true;
                    }
                    position.routed(c);
                    routedUpTo = framer.position();
                    if ((++routedInChunk & 63) == 0 && System.currentTimeMillis() - lastCheckpoint >= CHECKPOINT_INTERVAL_MS) {
                        // a long chunk (a backlog replayed after a restart, each cross-shard command a read
                        // of the master) commits and checkpoints as it goes: a restart must not replay it all
                        position.commit(framer.position());
                        position.offerCheckpoint();
                        lastCheckpoint = System.currentTimeMillis();
                    }
                }
            } catch (RespProtocolException e) {
                // the same bytes come again after a reconnect: retrying cannot help. What came before them stands, and
                // the checkpoint stays before them: a restart meets them again, never skips them without a word
                position.commit(routedUpTo);
                position.writeCheckpoint();
                throw new RouterException("the master's stream cannot be read at offset " + routedUpTo + ": " + e.getMessage()
                    + " (proto-max-bulk-len is " + protoMaxBulkLen + ")");
            } finally {
                router.publishCounts(); // per read, not per command: INFO and the metrics read what this publishes
            }
            if (at > 0 && pending > at) {
                buf.putBytes(0, buf, at, pending - at); // an overlapping move down: Unsafe's copy allows it
            }
            pending -= at;
            if (buf.capacity() > READ_BUFFER && pending <= READ_BUFFER / 2) {
                // a long command went through: let its array or spill file go rather than hold it for good
                buf.release(READ_BUFFER, pending);
            }
            final long now = System.currentTimeMillis();
            if (now - lastKeepAlive >= KEEPALIVE_INTERVAL_MS) {
                lastKeepAlive = now;
                for (ShardRuntime shard : shards) {
                    shard.writer().append(position.current(), 0, JournalEntryDescriptor.FLAG_NO_KEY, keepAlive);
                }
            }
            if (at > 0 || getAck || now - lastAck >= ACK_INTERVAL_MS) {
                position.commit(framer.position());
            }
            if (ack != null && (getAck || now - lastAck >= ACK_INTERVAL_MS)) {
                lastAck = now;
                ack.send(position.offset());
            }
            if (now - lastCheckpoint >= CHECKPOINT_INTERVAL_MS) {
                lastCheckpoint = now;
                position.offerCheckpoint(); // written on the checkpoint thread: its fsyncs must not stall the stream
            }
        }
    }
}
