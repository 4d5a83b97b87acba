package io.redisreplica.tools;

import java.io.PrintWriter;

/** Progress of a long operation on stderr: done/total, rate and time left, at most twice a second. */
final class Progress {
    private final PrintWriter err;
    private final String what;
    private final long total;
    private final long start = System.nanoTime();
    private long lastPrint;

    Progress(PrintWriter err, String what, long total) {
        this.err = err;
        this.what = what;
        this.total = total;
    }

    void update(long done) {
        final long now = System.nanoTime();
        if (now - lastPrint < 500_000_000L) {
            return;
        }
        lastPrint = now;
        final double seconds = (now - start) / 1e9;
        final double rate = done / Math.max(seconds, 1e-9);
        final long left = rate > 0 && total > 0 ? (long) ((total - done) / rate) : -1;
        err.printf("%s: %.1f%% (%d of %d MB) %.1f MB/s, %s left%n", what, total > 0 ? 100.0 * done / total : 0,
            done >> 20, total >> 20, rate / 1e6, left < 0 ? "?" : left + " s");
        err.flush();
    }
}
