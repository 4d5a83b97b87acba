package io.redisreplica.server;

/**
 * A replica's lag sampled at its ACKs: over the last minute its p50, p99 and maximum (0 when no
 * sample fell in it), and since it started streaming the count and sum of all samples (for a
 * rate and a mean). Milliseconds: how long ago the oldest data the replica had not acknowledged
 * was appended ({@link ReplicationSource#lagMillis}).
 */
public record LagStats(double p50Millis, double p99Millis, double maxMillis, long count, double sumMillis) {
    /** No sample yet. */
    public static final LagStats EMPTY = new LagStats(0, 0, 0, 0, 0);
}
