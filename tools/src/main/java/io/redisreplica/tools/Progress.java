package io.redisreplica.tools;

import java.io.PrintWriter;

/**
 * Progress of a long operation on stderr: done/total, rate and time left, at most twice a second.
 * Nothing is printed in the first half second, so short runs stay quiet (as {@code pv -D} does).
 */
final class Progress {
    private static final long INTERVAL_NS = 500_000_000L;

    private final PrintWriter err;
    private final String what;
    private final long start = System.nanoTime();
    private long total;
    private long lastPrint = start;

    Progress(PrintWriter err, String what, long total) {
        this.err = err;
        this.what = what;
        this.total = total;
    }

    /** For work whose size is known only once it starts (a replay learns its start from the target). */
    void update(long done, long total) {
        this.total = total;
        update(done);
    }

    void update(long done) {
        final long now = System.nanoTime();
        if (now - lastPrint < INTERVAL_NS) {
            return;
        }
        lastPrint = now;
        final double seconds = (now - start) / 1e9;
        final double rate = done / Math.max(seconds, 1e-9);
        final long left = rate > 0 && total > 0 ? (long) ((total - done) / rate) : -1;
        err.printf("%s: %.1f%% (%.1f of %.1f MB) %.1f MB/s, %s left%n", what, total > 0 ? 100.0 * done / total : 0,
            done / 1e6, total / 1e6, rate / 1e6, left < 0 ? "?" : left + " s");
        err.flush();
    }
}
