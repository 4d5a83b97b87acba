package io.redisreplica.router.shard;

/**
 * What a start does when the shard map differs from the journal's ({@link ShardMapChange}).
 *
 * @param acceptChange    rebuild what changed (a full sync of the master, a new snapshot for every
 *                        shard) instead of refusing the start
 * @param removeOldShards delete the journal, snapshot, sink offsets and key indexes of every journal shard the
 *                        config does not have; without it they are kept and left alone. A change
 *                        that only removes shards needs no rebuild: this alone accepts it
 */
public record ShardMapPolicy(boolean acceptChange, boolean removeOldShards) {
    /** Refuse a changed map; keep old shards' journals. */
    public static final ShardMapPolicy REFUSE = new ShardMapPolicy(false, false);
}
