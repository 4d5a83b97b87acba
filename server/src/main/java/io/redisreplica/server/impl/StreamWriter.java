package io.redisreplica.server.impl;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.function.LongConsumer;

import io.redisreplica.server.JournalCursor;

/**
 * The command stream written to one replica from its cursor, as the source grows: bytes read into
 * one 64 KB array and written on, flushed at least every millisecond while busy and at once when
 * idle. Nothing is allocated per command. A replica that stops reading blocks this writer on its
 * own socket; its cursor stays where it is and nothing piles up.
 */
final class StreamWriter {
    /** Bytes written are flushed at least this often, so a busy stream reaches the replica within a millisecond. */
    private static final long FLUSH_INTERVAL_NANOS = 1_000_000;
    private static final long AWAIT_MILLIS = 100;

    /** The source's history ended under this replica: it must resync. */
    static final class HistoryEnded extends IOException {
        private static final long serialVersionUID = 1L;

        HistoryEnded(long at) {
            super("the source's history ended at offset " + at + " (a new snapshot, or the journal no longer holds it): the replica resyncs");
        }
    }

    private StreamWriter() {
    }

    /**
     * Streams until the socket closes or the history ends.
     *
     * @param from the offset the cursor stands at
     * @param sent told the offset after each write
     */
    static void write(JournalCursor cursor, long from, OutputStream out, Socket socket, LongConsumer sent)
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
