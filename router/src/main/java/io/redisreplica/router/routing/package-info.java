/**
 * Which shard a key belongs to and what each shard receives of a master command.
 * {@link io.redisreplica.router.routing.ShardMap} names a key's shard with a
 * {@link io.redisreplica.router.routing.KeyMatcher} per shard (regex, prefix, Redis-Cluster hash
 * slots: {@link io.redisreplica.router.routing.ClusterSlots});
 * {@link io.redisreplica.router.routing.CommandTable} and
 * {@link io.redisreplica.router.routing.KeyPositions} find a command's keys;
 * {@link io.redisreplica.router.routing.CommandRouter} (made by
 * {@link io.redisreplica.router.routing.CommandRouterBuilder}) decides where each command goes and
 * hands the parts to package-private collaborators with one job each: {@code ShardEntries} (what
 * each shard's journal receives: {@code PendingEntries}, one entry per master command and shard,
 * appended in place when it is the master's bytes; {@code ShardTransactions}, MULTI/EXEC as one
 * entry per shard with its SELECTs; {@code ReadEntries}, the values read from the master),
 * {@code ShardCommands} (a command split per shard or with rewritten keys,
 * {@link io.redisreplica.router.routing.ShardKeyRewriter}), {@code RuleApplier} (the
 * {@link io.redisreplica.router.routing.ValueRules}), {@code CrossShard} (the
 * {@link io.redisreplica.router.routing.CrossShardPolicy}), {@code Translator} (cross-shard
 * commands and the skip windows of {@code ReadKeys}) and {@code KeyRestorer} (reads the master
 * through a {@link io.redisreplica.router.routing.MasterReader}, which {@code upstream}
 * implements, and restores the values). Relative TTLs are journaled as absolute times
 * ({@link io.redisreplica.router.routing.AbsoluteTtl}); each entry goes to a
 * {@link io.redisreplica.router.routing.ShardAppender}.
 *
 * <p>Threads: none. A {@code CommandRouter} is driven by the upstream link's thread alone; it
 * counts in plain fields and publishes them ({@code publishCounts()}, after each read of the
 * master's stream) into a status record ({@code RouteCounters}) that the admin port and the tools
 * read. Shard maps and matchers are immutable and shared.
 *
 * <p>The bottom of the router: uses only {@code support}.
 */
package io.redisreplica.router.routing;
