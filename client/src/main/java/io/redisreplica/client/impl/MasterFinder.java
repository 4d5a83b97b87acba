package io.redisreplica.client.impl;

import java.io.IOException;

import io.redisreplica.client.ReplicationClient.Options;
import io.redisreplica.client.Sentinels;

/**
 * Where {@link io.redisreplica.client.JournaledClient} connects: the fixed address of its options,
 * or the master its {@link Sentinels} name. With sentinels, {@link #moved()} asks them again at
 * most once a second: the old master of a failover goes on streaming (the sentinels' own hellos at
 * least) until it is reconfigured, seconds later, so the client moves on the sentinels' word.
 */
public final class MasterFinder {
    private static final long CHECK_NANOS = 1_000_000_000L;

    private final Options options;
    /** Null for the fixed address of {@link #options}. */
    private final Sentinels sentinels;
    private String connectedTo;
    private long lastCheck = System.nanoTime();

    /** Over {@code sentinels} (null: the fixed address of {@code options}). */
    public MasterFinder(Sentinels sentinels, Options options) {
        this.sentinels = sentinels;
        this.options = options;
    }

    /** The options to connect with now (asks the sentinels); remembered as the master connected to. */
    public Options master() throws IOException {
        final Options master = sentinels == null ? options : sentinels.locate(options);
        connectedTo = master.host() + ":" + master.port();
        lastCheck = System.nanoTime();
        return master;
    }

    /** Whether the sentinels, asked at most once a second, now name another master. No sentinel answering is no news. */
    public boolean moved() {
        if (sentinels == null || System.nanoTime() - lastCheck < CHECK_NANOS) {
            return false;
        }
        lastCheck = System.nanoTime();
        try {
            final Options now = sentinels.locate(options);
            return !(now.host() + ":" + now.port()).equals(connectedTo);
        } catch (IOException e) {
            return false;
        }
    }
}
