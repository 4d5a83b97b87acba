package io.redisreplica.router.routing;

/** What happens to a command whose keys live in different shards (RENAME a b with a and b apart). */
public enum CrossShardPolicy {
    /**
     * Give each shard exactly its part of the master's result: the source side its own effect,
     * each destination the master's value read on a side connection. The default.
     */
    TRANSLATE,
    /** Log it (once a minute) and count it in INFO; forward nothing: the shards then differ from the master. */
    LOG,
    /** Stop the upstream link with an error: for operators who prefer a halt to a translation. */
    STOP
}
