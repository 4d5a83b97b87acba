/**
 * Event sinks: a shard's key events delivered to a Redis stream, channel or command, or to user
 * code (an {@code EventSink}). Not to be confused with the journal's appender
 * ({@code routing.ShardAppender}) or the RDB splitter's per-shard output ({@code rdb.RdbSink}).
 * A {@link io.redisreplica.router.sinks.SinkRunner} reads one shard's journal for one sink,
 * turns each entry into {@link io.redisreplica.router.sinks.KeyEvents} (its commands framed by
 * {@link io.redisreplica.router.sinks.EntryCommands}) and hands them to a
 * {@link io.redisreplica.router.sinks.SinkDelivery}:
 * {@link io.redisreplica.router.sinks.RedisSinkDelivery} (over the resp module's
 * {@code RespClient}),
 * {@link io.redisreplica.router.sinks.KafkaSinkDelivery} (a transactional producer; its
 * checkpoints in a {@code KafkaCheckpointTopic}) or
 * {@link io.redisreplica.router.sinks.ClassSinkDelivery}. A sink with {@code kinds=} also keeps a
 * key index ({@code sinks.index}) through a {@code KeyIndexKeeper}, and {@code KeyKinds} (with
 * {@code ExpiryArgs}) tells each event's kind from it. The only package that imports
 * {@code org.apache.kafka}. {@code EntryCommands} also serves the
 * tools' replay.
 *
 * <p>Threads: each {@code SinkRunner} is an {@code Agent} on its own thread
 * ({@code sink-NAME-SHARD}): a failed delivery is retried with backoff and logged once per
 * distinct error, an {@code Error} goes to the {@code ErrorHandler} as fatal;
 * {@code SinkRunner.closeAll} closes every runner at once, each joined for up to 5 s. The
 * {@code Router} starts and closes them.
 *
 * <p>Uses {@code sinks.index}, {@code shard}, {@code config}, {@code routing}, {@code support} and {@code tls} (how its sockets are made: plain or TLS).
 */
package io.redisreplica.router.sinks;
