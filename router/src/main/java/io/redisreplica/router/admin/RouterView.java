package io.redisreplica.router.admin;

import java.util.List;

import io.redisreplica.router.downstream.Followers;
import io.redisreplica.router.downstream.VirtualMaster;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.sinks.SinkRunner;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.server.ReplicaStatus;

/**
 * What the admin port reads of the running router ({@code Router} implements it), so that this
 * package does not depend on the package that wires it.
 */
public interface RouterView {
    /** Milliseconds since start. */
    long uptimeMillis();

    /** Shard journals found damaged at start and set aside. */
    long journalsSetAside();

    /** Shard journals found damaged at start past what the checkpoint saw, and cut back to their last good entry. */
    long journalTailsCut();

    /** Journal files retention has deleted since start. */
    long retentionDeleted();

    /** Retention passes that failed since start. */
    long retentionErrors();

    /** Wall-clock millis of the last checkpoint written since start, -1 before the first. */
    long lastCheckpointMillis();

    /** The journal's directory (its file system's free space is reported and guarded). */
    java.nio.file.Path journalDir();

    /** {@code journal-min-free}: appends stop below this much free space. */
    long journalMinFreeBytes();

    UpstreamLink upstream();

    List<ShardRuntime> shards();

    /** The event sinks, one runner per sink and shard. */
    List<SinkRunner> sinks();

    /** Replicas shard {@code index} has dropped by its failure policy since start. */
    long drops(int index);

    /** The listener of shard {@code index}. */
    VirtualMaster listener(int index);

    /** Shard {@code index}'s replicas past their handshake (the server API's view of each). */
    List<ReplicaStatus> replicas(int index);

    /** The {@code replay --follow} receivers of every shard, as they report on the admin port. */
    Followers followers();

    /** The admin port's server, or null when none is configured. */
    AdminServer adminServer();
}
