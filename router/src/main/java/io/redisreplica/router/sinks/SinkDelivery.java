package io.redisreplica.router.sinks;

import java.util.List;

import io.redisreplica.api.KeyEvent;

/**
 * How a sink's batches reach their destination, with the journal offset they reach recorded so
 * that a restart or a reconnect continues after the last delivered batch.
 */
public interface SinkDelivery extends AutoCloseable {
    /**
     * Connects, or connects again after a failure.
     *
     * @return the shard offset delivered so far, or -1 when nothing was ever delivered
     */
    long open() throws Exception;

    /** Delivers {@code events} (maybe none) and records {@code endOffset} as delivered. */
    void deliver(List<KeyEvent> events, long endOffset) throws Exception;

    @Override
    void close();
}
