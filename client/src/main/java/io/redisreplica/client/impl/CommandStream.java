package io.redisreplica.client.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.resp.RespWriter;

/**
 * The command stream after PSYNC (and the snapshot): reads the socket straight into one buffer,
 * frames commands in place, keeps {@code SELECT}, {@code PING} and {@code REPLCONF} to itself
 * and acknowledges the offset to the master. Nothing is allocated per command: the returned
 * {@link Command} is a view over the buffer, valid until the next call.
 */
public final class CommandStream {
    private static final long ACK_INTERVAL_NANOS = 1_000_000_000L;
    private static final int READ_SIZE = 64 * 1024;
    private static final byte[] PING = {'P', 'I', 'N', 'G'};
    private static final byte[] SELECT = {'S', 'E', 'L', 'E', 'C', 'T'};
    private static final byte[] REPLCONF = {'R', 'E', 'P', 'L', 'C', 'O', 'N', 'F'};
    private static final byte[] GETACK = {'G', 'E', 'T', 'A', 'C', 'K'};
    private static final byte[] MULTI = {'M', 'U', 'L', 'T', 'I'};
    private static final byte[] EXEC = {'E', 'X', 'E', 'C'};

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final CommandFramer framer;
    /** Bytes read and not yet framed lie in [start, end); a command cut off by a read stays at the front. */
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(2 * READ_SIZE);
    private final ExpandableArrayBuffer ackBuffer = new ExpandableArrayBuffer(64);
    private final RespWriter writer = new RespWriter();
    private int start;
    private int end;
    private long offset;
    private int db;
    private boolean inTransaction;
    private long lastAck = System.nanoTime();
    /** When the last byte came: a master silent for longer than {@link #readTimeoutNanos} is gone. */
    private long lastRead = System.nanoTime();
    private final long readTimeoutNanos;
    private int soTimeout = -1;

    /**
     * @param offset the master's offset of the last byte before the first command
     * @param db the database selected at that offset
     */
    public CommandStream(Socket socket, InputStream in, OutputStream out, RespDecoderContext limits, int readTimeoutMillis, long offset,
                         int db) {
        this.socket = socket;
        this.readTimeoutNanos = readTimeoutMillis * 1_000_000L;
        this.in = in;
        this.out = out;
        this.framer = new CommandFramer(limits);
        this.offset = offset;
        this.db = db;
    }

    /** See {@link io.redisreplica.client.ReplicationClient#next}. */
    public Command next(long timeoutMillis) throws IOException {
        long deadline = Long.MIN_VALUE; // set at the first wait
        while (true) {
            final int length = end > start ? framer.frame(buffer, start, end - start) : 0;
            if (length > 0) {
                start += length;
                offset += length;
                final Command c = framer.command();
                if (c.isEmpty() || c.nameIs(PING)) {
                    continue;
                }
                if (c.nameIs(SELECT) && c.argCount() == 2) {
                    db = (int) c.argLong(1);
                    continue;
                }
                if (c.nameIs(REPLCONF)) {
                    if (c.argCount() >= 2 && c.argEqualsIgnoreCase(1, GETACK)) {
                        ack();
                    }
                    continue;
                }
                if (c.nameIs(MULTI)) {
                    inTransaction = true;
                } else if (c.nameIs(EXEC)) {
                    inTransaction = false;
                }
                return c;
            }
            // the buffer is used up: only here the clock is read (once per read, not per command)
            final long now = System.nanoTime();
            if (now - lastAck >= ACK_INTERVAL_NANOS) {
                ack();
            }
            if (now - lastRead > readTimeoutNanos) {
                throw new IOException("the master sent nothing for " + readTimeoutNanos / 1_000_000 + " ms (the read timeout) at offset "
                    + offset);
            }
            if (deadline == Long.MIN_VALUE) {
                deadline = now + timeoutMillis * 1_000_000L;
            }
            final long left = deadline - now;
            if (left <= 0) {
                return null;
            }
            fill((int) Math.max(1, Math.min(left, ACK_INTERVAL_NANOS) / 1_000_000L)); // at most a second: the ACK is due then
        }
    }

    /** Reads more bytes straight into the buffer, waiting up to {@code waitMillis} for them. */
    private void fill(int waitMillis) throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (start > 0 && buffer.capacity() - end < READ_SIZE) {
            buffer.putBytes(0, buffer, start, end - start); // keep the cut-off command at the front
            end -= start;
            start = 0;
        }
        buffer.checkLimit(end + READ_SIZE); // grows only for a command longer than the buffer
        if (waitMillis != soTimeout) {
            socket.setSoTimeout(waitMillis);
            soTimeout = waitMillis;
        }
        final int n;
        try {
            n = in.read(buffer.byteArray(), end, buffer.capacity() - end);
        } catch (SocketTimeoutException e) {
            return;
        }
        if (n < 0) {
            throw new IOException("the master closed the link at offset " + offset);
        }
        end += n;
        lastRead = System.nanoTime();
    }

    /** {@code REPLCONF ACK offset}: what this replica has processed. */
    public void ack() throws IOException {
        final int length = writer.wrap(ackBuffer, 0).command("REPLCONF", "ACK", Long.toString(offset)).length();
        out.write(ackBuffer.byteArray(), 0, length);
        out.flush();
        lastAck = System.nanoTime();
    }

    /** The master's offset after the last command returned or passed over. */
    public long offset() {
        return offset;
    }

    /** The db the last command returned applies to. */
    public int db() {
        return db;
    }

    /** Whether the last command returned is inside MULTI/EXEC (MULTI included, EXEC not). */
    public boolean inTransaction() {
        return inTransaction;
    }
}
