package io.redisreplica.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The master's keep-alive in the stream ({@code PING}, what {@link ReplicationSource#ping()}
 * appends) and the default of {@link ReplicationSource#firstWriteAfter}: the stream read from an
 * offset, whole {@code PING}s skipped, up to the first byte of anything else. Only an rdb-only
 * request asks (rare), and a stream that holds a write stops the scan at its first command.
 */
final class KeepAlives {
    /** The keep-alive as a Redis master appends it, and as {@link ReplicationBacklog#ping()} does. */
    static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);

    private KeepAlives() {
    }

    /** See {@link ReplicationSource#firstWriteAfter}. */
    static long firstWriteAfter(ReplicationSource source, long offset) throws IOException {
        if (source.endOffset() <= offset) {
            return -1;
        }
        try (JournalCursor cursor = source.cursor(offset)) {
            if (cursor == null) {
                return offset; // not held as a boundary: nothing shows the bytes after it are keep-alives only
            }
            final byte[] buf = new byte[4096];
            long command = offset;
            int matched = 0;
            while (true) {
                final int n = cursor.read(buf, 0, buf.length);
                if (n == JournalCursor.END) {
                    return offset; // a new history: the snapshot asked about is not current
                }
                if (n == 0) {
                    return matched == 0 ? -1 : command; // a PING's prefix at the end is no PING (yet)
                }
                for (int i = 0; i < n; i++) {
                    if (buf[i] != PING[matched]) {
                        return command;
                    }
                    if (++matched == PING.length) {
                        matched = 0;
                        command += PING.length;
                    }
                }
            }
        }
    }
}
