package io.redisreplica.router.downstream;

import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.DistinctErrors;
import io.redisreplica.server.LagStats;
import io.redisreplica.server.spi.AckReader;
import io.redisreplica.server.spi.LagWindow;

/**
 * What a shard's replica's {@link AckReader} tells the router: at each sample the lag from the
 * shard's commit clock (how long ago the oldest data the replica has not acknowledged was
 * committed), kept as the current value and in a {@link LagWindow}; a failed read recorded once
 * per distinct error. Written by the ACK reader's thread only; INFO and metrics read it.
 */
final class ReplicaLag implements AckReader.Listener {
    private final ShardRuntime shard;
    private final DistinctErrors readErrors;
    private final LagWindow window = new LagWindow();
    private volatile double currentMillis;

    ReplicaLag(ShardRuntime shard, DistinctErrors readErrors) {
        this.shard = shard;
        this.readErrors = readErrors;
    }

    @Override
    public void sampled(long ackedOffset) {
        final double ms = shard.commits().lagMillis(ackedOffset, System.nanoTime());
        currentMillis = ms;
        window.record(ms, System.currentTimeMillis());
    }

    @Override
    public void readFailed(String what, Exception error) {
        readErrors.record(what, error);
    }

    /** The lag at the last sample, 0 before the first ACK. */
    double millis() {
        return currentMillis;
    }

    /** The lag sampled over the last minute (see {@link LagWindow}). */
    LagStats window() {
        return window.snapshot(System.currentTimeMillis());
    }
}
