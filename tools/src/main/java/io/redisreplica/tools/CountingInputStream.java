package io.redisreplica.tools;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** Reports how many bytes were read, for progress on long reads of a file. */
final class CountingInputStream extends FilterInputStream {
    private final LongConsumer progress;
    private long count;

    CountingInputStream(InputStream in, LongConsumer progress) {
        super(in);
        this.progress = progress;
    }

    @Override
    public int read() throws IOException {
        final int b = super.read();
        if (b >= 0) {
            progress.accept(++count);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        final int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            progress.accept(count);
        }
        return n;
    }
}
