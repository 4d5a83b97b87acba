package io.redisreplica.router.config;

/**
 * {@code upstream-demoted}: what the upstream link does when its fixed {@code upstream} answers
 * {@code ROLE} as a replica (a failover demoted it, or it is a replica on purpose). With
 * {@code upstream-sentinel} the sentinels name the master instead, and a node that answers as a
 * replica is asked about again.
 */
public enum UpstreamDemoted {
    /** Connect to the master its ROLE names (again at each reconnect, up to a few hops): a failover's new master continues the stream. */
    FOLLOW,
    /** Stop the router (exit 6) with an error naming the node and its master: an operator decides. */
    STOP,
    /** Replicate from the node as it is: a replica on purpose, which takes the full-sync fork off the master. */
    STAY
}
