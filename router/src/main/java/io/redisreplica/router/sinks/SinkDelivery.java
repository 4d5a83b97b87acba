package io.redisreplica.router.sinks;

import java.util.List;

import io.redisreplica.api.KeyEvent;

/**
 * How a sink's batches reach their destination, with the position they reach ({@link
 * SinkPosition}) recorded with them, atomically, so that a restart or a reconnect continues after
 * the last delivered batch.
 */
public interface SinkDelivery extends AutoCloseable {
    /**
     * Connects, or connects again after a failure.
     *
     * @return the position delivered so far, or null when nothing was ever delivered
     */
    SinkPosition open() throws Exception;

    /** Delivers {@code events} (maybe none) and records {@code end} as delivered, with them. */
    void deliver(List<KeyEvent> events, SinkPosition end) throws Exception;

    @Override
    void close();
}
