/**
 * The link to the real master. {@link io.redisreplica.router.upstream.UpstreamLink} connects as a
 * replica (handshake, {@code PSYNC}), splits a full sync's RDB into the shards' snapshots, then
 * frames the command stream, routes it through {@code routing} into the shards' journals and ACKs
 * the master only what is durable; it reconnects with a back-off after a failure.
 * {@link io.redisreplica.router.upstream.MasterCommands} reads the master's command table, and
 * {@link io.redisreplica.router.upstream.MasterSideConnection} is the side connection that reads
 * values for translated commands.
 *
 * <p>Threads: none of its own. {@code UpstreamLink} is the {@code Runnable} of the
 * {@code upstream-HOST:PORT} thread that {@code Router} starts; {@code stop()} closes its socket
 * and the {@code Router} joins the thread. The side connection is used on that thread only.
 *
 * <p>Uses {@code shard}, {@code config}, {@code routing} and {@code support}.
 */
package io.redisreplica.router.upstream;
