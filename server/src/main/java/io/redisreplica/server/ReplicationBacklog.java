package io.redisreplica.server;

import java.nio.charset.StandardCharsets;

/**
 * A {@link ReplicationSource} in memory, as Redis keeps its own: the current {@link Snapshot} and
 * a ring of the last {@code capacity} bytes of the command stream ({@code repl-backlog-size}).
 * The application appends each write as a RESP command, in the order its dataset applied them;
 * replicas read the ring at their own pace.
 *
 * <p>A replica that falls more than the capacity behind, or asks for an offset the ring no
 * longer holds, resyncs in full; so does every replica when {@link #snapshot(Snapshot)} starts a
 * new history. The ring must also still hold the snapshot's offset for a full resync to stream
 * after it: give a newer snapshot before the stream since the last one outgrows the capacity
 * (until then a replica that needs a full resync waits, as for a master preparing its RDB).
 *
 * <pre>{@code
 * ReplicationBacklog backlog = new ReplicationBacklog(64 << 20);
 * backlog.snapshot(Snapshot.ofFile(Snapshot.newReplid(), 0, rdb));
 * backlog.appendCommand("SET", "k", "v");
 * }</pre>
 *
 * <p>Thread-safe: appends and the replicas' cursors share one monitor; an append copies its bytes
 * into the ring and allocates nothing. The times of the last {@value #TIMES} appends are kept for
 * {@link #lagMillis} (a replica further behind is shown the oldest of them: a lower bound).
 */
public final class ReplicationBacklog implements ReplicationSource {

    /** Appends whose end offset and time are remembered for the replicas' lag in time. */
    static final int TIMES = 1024;
    private final byte[] ring;
    private final long[] appendEnds = new long[TIMES];
    private final long[] appendNanos = new long[TIMES];
    /** Appends in this history (the last {@link #TIMES} of them remembered). */
    private long appends;
    private Snapshot snapshot;
    /** Counts histories: a cursor of an earlier one reads {@link JournalCursor#END}. */
    private long history;
    private long first;
    private long end;

    /** @param capacity bytes of the stream kept for replicas that reconnect or lag (Redis's default is 1 MB) */
    public ReplicationBacklog(int capacity) {
        if (capacity < 1024) {
            throw new IllegalArgumentException("backlog capacity=" + capacity + " (expected: >= 1024 bytes)");
        }
        this.ring = new byte[capacity];
    }

    /**
     * Sets the snapshot. One of the same replication id at an offset the ring holds only replaces
     * the snapshot (later full resyncs send it; streaming replicas go on). Any other starts a new
     * history at its offset: the ring is emptied and every replica resyncs in full.
     */
    public synchronized void snapshot(Snapshot next) {
        final boolean sameHistory = snapshot != null && next.replid().equals(snapshot.replid()) && next.offset() >= first
            && next.offset() <= end;
        snapshot = next;
        if (!sameHistory) {
            history++;
            first = next.offset();
            end = next.offset();
            appends = 0;
            notifyAll();
        }
    }

    /**
     * Appends bytes of the stream: whole RESP commands, as a replica applies them.
     *
     * @return the offset after them (Redis's {@code master_repl_offset})
     * @throws IllegalStateException before the first snapshot (the stream has no start yet)
     * @throws IllegalArgumentException for more bytes than the ring holds
     */
    public synchronized long append(byte[] bytes, int offset, int length) {
        if (snapshot == null) {
            throw new IllegalStateException("no snapshot yet: the stream starts at a snapshot's offset");
        }
        if (length > ring.length) {
            throw new IllegalArgumentException("append of " + length + " bytes (expected: <= the backlog's capacity of " + ring.length + ")");
        }
        int done = 0;
        while (done < length) {
            final int at = (int) Math.floorMod(end + done, (long) ring.length);
            final int n = Math.min(length - done, ring.length - at);
            System.arraycopy(bytes, offset + done, ring, at, n);
            done += n;
        }
        end += length;
        first = Math.max(first, end - ring.length);
        final int slot = (int) (appends++ % TIMES);
        appendEnds[slot] = end;
        appendNanos[slot] = System.nanoTime();
        notifyAll();
        return end;
    }

    /** Appends one RESP-encoded command; see {@link #append(byte[], int, int)}. */
    public long append(byte[] command) {
        return append(command, 0, command.length);
    }

    /** Appends a command given as its arguments (UTF-8), encoded as a RESP array of bulks. */
    public long appendCommand(String... args) {
        final byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return append(Resp.command(bytes));
    }

    @Override
    public synchronized Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public synchronized long firstOffset() {
        return first;
    }

    @Override
    public synchronized long endOffset() {
        return end;
    }

    /** From the remembered append times: how long ago the append holding the byte at {@code offset} was made. */
    @Override
    public synchronized double lagMillis(long offset) {
        if (offset >= end || appends == 0) {
            return 0;
        }
        final long remembered = Math.min(appends, TIMES);
        long at = -1; // the oldest remembered append that ends after offset: it holds the byte at offset
        for (long i = appends - 1; i >= appends - remembered; i--) {
            final int slot = (int) (i % TIMES);
            if (appendEnds[slot] <= offset) {
                break;
            }
            at = appendNanos[slot];
        }
        return at < 0 ? 0 : (System.nanoTime() - at) / 1e6;
    }

    @Override
    public synchronized JournalCursor cursor(long offset) {
        if (snapshot == null || offset < first || offset > end) {
            return null;
        }
        return new Cursor(history, offset);
    }

    /** A PING into the stream once there is one. */
    @Override
    public synchronized boolean ping() {
        if (snapshot != null) {
            append(KeepAlives.PING);
        }
        return true;
    }

    private final class Cursor implements JournalCursor {
        private final long history;
        private long position;

        Cursor(long history, long position) {
            this.history = history;
            this.position = position;
        }

        @Override
        public int read(byte[] dst, int offset, int length) {
            synchronized (ReplicationBacklog.this) {
                if (history != ReplicationBacklog.this.history || position < first) {
                    return END; // a new history, or overwritten while this replica lagged: it resyncs
                }
                final int at = (int) Math.floorMod(position, (long) ring.length);
                final int n = (int) Math.min(Math.min(length, end - position), ring.length - at);
                System.arraycopy(ring, at, dst, offset, n);
                position += n;
                return n;
            }
        }

        @Override
        public void await(long timeoutMillis) throws InterruptedException {
            synchronized (ReplicationBacklog.this) {
                if (history == ReplicationBacklog.this.history && position == end) {
                    ReplicationBacklog.this.wait(timeoutMillis);
                }
            }
        }
    }

    /** RESP encoding of a command, for {@link #appendCommand}. */
    private static final class Resp {
        private Resp() {
        }

        static byte[] command(byte[][] args) {
            final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            header(out, '*', args.length);
            for (byte[] a : args) {
                header(out, '$', a.length);
                out.write(a, 0, a.length);
                out.write('\r');
                out.write('\n');
            }
            return out.toByteArray();
        }

        private static void header(java.io.ByteArrayOutputStream out, char type, int n) {
            final byte[] b = (type + Integer.toString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            out.write(b, 0, b.length);
        }
    }
}
