/**
 * Event sinks: a shard's key events delivered to a Redis stream, channel or command, or to user
 * code. A {@link io.redisreplica.router.sinks.SinkRunner} reads one shard's journal for one sink,
 * turns each entry into {@link io.redisreplica.router.sinks.KeyEvents} (its commands framed by
 * {@link io.redisreplica.router.sinks.EntryCommands}) and hands them to a
 * {@link io.redisreplica.router.sinks.SinkDelivery}:
 * {@link io.redisreplica.router.sinks.RedisSinkDelivery} (over a
 * {@link io.redisreplica.router.sinks.RedisConnection}) or
 * {@link io.redisreplica.router.sinks.ClassSinkDelivery}. {@code EntryCommands} and
 * {@code RedisConnection} also serve the tools' replay.
 *
 * <p>Threads: each {@code SinkRunner} runs on its own thread ({@code sink-NAME-SHARD}), started by
 * {@code start()} and stopped by {@code stop()}, which interrupts it and joins it for up to 5 s;
 * the {@code Router} calls both.
 *
 * <p>Uses {@code shard}, {@code config}, {@code routing} and {@code support}.
 */
package io.redisreplica.router.sinks;
