package io.redisreplica.router;

/** What happens to a command whose keys live in different shards (RENAME a b with a and b apart). */
public enum CrossShardPolicy {
    /** Log it (once per command name and minute) and count it in INFO; forward nothing. The default. */
    LOG,
    /** Stop the upstream link with an error: for operators who prefer a halt to a divergence. */
    STOP
}
