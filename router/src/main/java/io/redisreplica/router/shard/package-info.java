/**
 * A shard at run time and its identity in the journal.
 * {@link io.redisreplica.router.shard.ShardRuntime} holds a shard's journal and writer, snapshot,
 * replid and epoch; its next snapshot while the master's RDB is being split into it is the
 * server API's {@link io.redisreplica.server.GrowingSnapshot} (bytes on disk so far, and the identity
 * the shard takes when it is whole), with the epoch it starts ({@code ShardRuntime.Next}); {@link io.redisreplica.router.shard.CommitClock} remembers when offsets were
 * committed, for lag figures. {@link io.redisreplica.router.shard.ShardFingerprint} describes what
 * decides a shard's keys and bytes; {@link io.redisreplica.router.shard.ShardMapChange} compares the
 * config's map with the one the journal recorded, and
 * {@link io.redisreplica.router.shard.ShardMapPolicy} says what a start does when they differ
 * ({@link io.redisreplica.router.shard.ShardMapChangedException} when it refuses).
 * {@link io.redisreplica.router.shard.ShardsAtStart} makes the runtimes at start from what the
 * journal holds: the map compared, each journal checked, cut back or set aside, the shards that
 * wait for a snapshot named, old shards and unread key indexes dealt with.
 *
 * <p>Threads: none of its own. The upstream link's thread writes a {@code ShardRuntime} (appends,
 * commits, snapshots, new epochs); replica sessions, sink runners, retention and the admin port
 * read it, and a session that finds the journal damaged reports it to the handler the
 * {@code Router} installed.
 *
 * <p>Uses {@code config}, {@code routing} and {@code support}.
 */
package io.redisreplica.router.shard;
