/**
 * A Redis master as a library: serve a replication stream to real {@code redis-server} replicas
 * from any source the application provides.
 *
 * <p>The application gives a {@link io.redisreplica.server.ReplicationSource}: the
 * {@link io.redisreplica.server.Snapshot} a full resync sends (an RDB file or stream, with its
 * replication id and offset) and the command journal after it, read through a
 * {@link io.redisreplica.server.JournalCursor} per replica. {@link io.redisreplica.server.ReplicationBacklog}
 * is a ready in-memory source (Redis's own backlog: the application appends RESP commands). A
 * source may also offer its next snapshot while it is written, a
 * {@link io.redisreplica.server.GrowingSnapshot}, which replicas load as it grows.
 * {@link io.redisreplica.server.ReplicationServer#start} with a
 * {@link io.redisreplica.server.ServerContext} listens; replicas that run {@code REPLICAOF} get
 * {@code +FULLRESYNC} with the snapshot, or {@code +CONTINUE} from an offset the source still
 * holds, then the stream at their own pace. {@link io.redisreplica.server.ReplicaStatus} shows
 * each replica (address, listening port, acknowledged offset, lag in bytes and, from a source that
 * keeps append times, in milliseconds with its last minute as {@link io.redisreplica.server.LagStats}); a
 * {@link io.redisreplica.server.ConnectionType} serves them over TLS;
 * {@link io.redisreplica.server.ServerListener} hears every error and every sync; a
 * {@link io.redisreplica.server.ReplicaPolicy} admits each sync and hears of each replica's failure
 * ({@link io.redisreplica.server.DropPolicy} drops one that keeps failing, holds its reconnects
 * and later resyncs it in full).
 *
 * <p>This package is the API; {@code io.redisreplica.server.spi} holds the building blocks a
 * master of one's own (the router's virtual masters) shares with it; {@code io.redisreplica.server.impl}
 * is internal and may change between versions (Chronicle's {@code impl} convention). Uses {@code resp} (framing what replicas
 * send) and SLF4J.
 */
package io.redisreplica.server;
