package io.redisreplica.server.impl;

import io.redisreplica.server.LagStats;
import io.redisreplica.server.ReplicationSource;
import io.redisreplica.server.spi.LagWindow;

/**
 * A replica's lag in time, sampled by its ACK reader (about every 100 ms once it acknowledged):
 * the source's {@link ReplicationSource#lagMillis} at the acknowledged offset, kept as the current
 * value and in a {@link LagWindow}. Written by the ACK reader's thread only; the status reads it.
 * A source that fails here is reported (once per distinct error) and the sample skipped.
 */
final class ReplicaLag {
    private final ReplicationSource source;
    private final Errors errors;
    private final String where;
    private final LagWindow window = new LagWindow();
    private volatile double millis = -1;

    ReplicaLag(ReplicationSource source, Errors errors, String where) {
        this.source = source;
        this.errors = errors;
        this.where = where;
    }

    void sampled(long ackedOffset) {
        final double ms;
        try {
            ms = source.lagMillis(ackedOffset);
        } catch (RuntimeException e) {
            errors.handled(where, new SourceFailure(e));
            return;
        }
        if (ms >= 0) { // a source without append times: nothing to sample
            millis = ms;
            window.record(ms, System.currentTimeMillis());
        }
    }

    /** The lag at the last sample, -1 before the first. */
    double millis() {
        return millis;
    }

    LagStats stats() {
        return window.snapshot(System.currentTimeMillis());
    }
}
