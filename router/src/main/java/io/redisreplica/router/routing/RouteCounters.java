package io.redisreplica.router.routing;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the router counted: plain fields written by the upstream link's thread only, as it routes
 * (one object that every collaborator adds to), and a status record of them that the admin port
 * and the tools read from their own threads. {@link #publish()} copies the fields into that
 * record with ordered writes ({@code lazySet}: no fence on the writer's side, no allocation) at
 * the points where it is cheap: after each read of the master's stream, not per command. A
 * reader sees every count as of a publish, never a torn or stale-forever value; counts of one
 * publish may be seen with others of the next.
 */
final class RouteCounters {
    static final int ROUTED = 0;
    static final int UNCLAIMED = 1;
    static final int CROSS_SHARD = 2;
    static final int TRANSLATED = 3;
    static final int TRANSLATED_KEYS = 4;
    static final int READ_SKIPPED = 5;
    static final int UNKNOWN = 6;
    static final int FILTERED = 7;

    /** Commands handed to a shard (a transaction's commands when it is journaled). */
    long routed;
    /** Keys no shard claims. */
    long unclaimed;
    /** Commands whose keys span shards (translated or, under LOG/STOP, not forwarded). */
    long crossShard;
    /** Cross-shard commands sent to each shard as its part of the master's result. */
    long translated;
    /** Keys read from the master for translated commands. */
    long translatedKeys;
    /** Commands (or their keys) not sent because a read of the master already held their effect. */
    long readSkipped;
    /** Commands the command table does not know, and keyless ones not forwarded. */
    long unknown;
    /** Keys the value rules kept off the shards (their write became a DEL). */
    long filtered;

    /** The status record: the fields as of the last {@link #publish()}, indexed by the constants above. */
    private final AtomicLongArray published = new AtomicLongArray(8);

    /** On the upstream link's thread: makes the counts so far visible to other threads. */
    void publish() {
        published.lazySet(ROUTED, routed);
        published.lazySet(UNCLAIMED, unclaimed);
        published.lazySet(CROSS_SHARD, crossShard);
        published.lazySet(TRANSLATED, translated);
        published.lazySet(TRANSLATED_KEYS, translatedKeys);
        published.lazySet(READ_SKIPPED, readSkipped);
        published.lazySet(UNKNOWN, unknown);
        published.lazySet(FILTERED, filtered);
    }

    /** From any thread: one count as last published. */
    long published(int counter) {
        return published.get(counter);
    }
}
