package io.redisreplica.api;

import java.util.List;
import java.util.Map;

/**
 * Where a shard's key events go: implement it in a jar, list the class in that jar's {@code
 * META-INF/services/io.redisreplica.api.EventSink}, and name the jar and class in the router's
 * config ({@code sink NAME class=CLASS jar=PATH [key=value ...]}). One instance per sink and
 * shard, called from one thread.
 *
 * <p>Delivery: batches in journal order. A batch is delivered again until {@link #deliver}
 * returns; meanwhile the sink is paused (the router and the other sinks carry on, the journal
 * holds what is waiting) and, after failing repeatedly, dropped by policy. The router records
 * the offset of each delivered batch durably, so after a restart nothing already delivered is
 * delivered again, save the one batch that was being delivered when the router died: a sink
 * that must not see it twice keeps the last {@link KeyEvent#offset()} it applied and skips
 * events at or below it.
 */
public interface EventSink extends AutoCloseable {
    /**
     * Called once before the first batch.
     *
     * @param shard the shard whose events this instance receives
     * @param options the {@code key=value} words of the sink's config line
     */
    default void open(String shard, Map<String, String> options) throws Exception {
    }

    /** Delivers a batch; throw to have it delivered again later. */
    void deliver(List<KeyEvent> events) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
