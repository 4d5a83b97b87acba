package io.redisreplica.router.upstream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The master's connection as read, stamping the time of the last read that returned bytes: the
 * handshake, the RDB and the command stream alike (a healthy master sends at least its PING
 * every {@code repl-ping-replica-period}, 10 s by default). One volatile write per read call, and
 * the stream loop reads in 64 KB chunks: nothing per command.
 */
final class ReadClock extends FilterInputStream {
    private final java.util.function.LongConsumer stamp;

    ReadClock(InputStream in, java.util.function.LongConsumer stamp) {
        super(in);
        this.stamp = stamp;
    }

    @Override
    public int read() throws IOException {
        final int b = super.read();
        if (b >= 0) {
            stamp.accept(System.currentTimeMillis());
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        final int n = in.read(b, off, len);
        if (n > 0) {
            stamp.accept(System.currentTimeMillis());
        }
        return n;
    }
}
