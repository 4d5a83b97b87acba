package io.redisreplica.router.routing;

/**
 * What the router counted, written by the upstream link's thread only; {@link CommandRouter}'s
 * getters read them for INFO. One object that every collaborator adds to, so the counts stay
 * where {@link CommandRouter} has always reported them.
 */
final class RouteCounters {
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
}
