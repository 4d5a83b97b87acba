package io.redisreplica.server.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.function.LongConsumer;

import io.redisreplica.server.JournalCursor;

/**
 * The command stream written to one replica from its {@link JournalCursor}, as the source grows:
 * bytes read into one 64 KB array and written on, flushed at least every millisecond while busy
 * and at once when idle. Nothing is allocated per command. A replica that stops reading blocks
 * this writer on its own socket; its cursor stays where it is and nothing piles up. The server's
 * sessions and the router's virtual masters (over a shard journal's cursor) stream with it.
 */
public final class StreamWriter {
    /** Bytes written are flushed at least this often, so a busy stream reaches the replica within a millisecond. */
    private static final long FLUSH_INTERVAL_NANOS = 1_000_000;
    private static final long AWAIT_MILLIS = 100;

    /** The source's history ended under this replica: it must resync. */
    public static final class HistoryEnded extends IOException {
        private static final long serialVersionUID = 1L;

        HistoryEnded(long at) {
            super("the source's history ended at offset " + at + " (a new snapshot, or the journal no longer holds it): the replica resyncs");
        }
    }

    private StreamWriter() {
    }

    /**
     * Streams until the socket closes or the history ends ({@link HistoryEnded}); a failed read
     * of the cursor is thrown as it is.
     *
     * @param from the offset the cursor stands at
     * @param sent told the offset after each write, wherever it falls (inside an entry of the
     *     source's too): how far a replica's ACK may reach
     * @throws InterruptedException when the thread is interrupted while the cursor waits
     */
    public static void write(JournalCursor cursor, long from, OutputStream out, Socket socket, LongConsumer sent)
        throws IOException, InterruptedException {
        final byte[] buf = new byte[64 * 1024];
        long position = from;
        long lastFlush = System.nanoTime();
        boolean dirty = false;
        while (!socket.isClosed()) {
            final int n = cursor.read(buf, 0, buf.length);
            if (n == JournalCursor.END) {
                out.flush();
                throw new HistoryEnded(position);
            }
            if (n == 0) {
                if (dirty) {
                    out.flush();
                    dirty = false;
                }
                cursor.await(AWAIT_MILLIS);
                continue;
            }
            out.write(buf, 0, n);
            position += n;
            sent.accept(position);
            dirty = true;
            final long now = System.nanoTime();
            if (now - lastFlush >= FLUSH_INTERVAL_NANOS) {
                out.flush();
                lastFlush = now;
                dirty = false;
            }
        }
    }
}
