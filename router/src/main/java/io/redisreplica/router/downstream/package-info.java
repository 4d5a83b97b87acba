/**
 * The shards' virtual masters and their receivers. A
 * {@link io.redisreplica.router.downstream.VirtualMaster} is the server API's
 * {@code ReplicationServer} on a shard's port, serving the shard as its
 * {@link io.redisreplica.router.downstream.ShardSource}: the snapshot of the shard's current
 * epoch, a {@link io.redisreplica.router.downstream.ShardJournalCursor} over its journal from an
 * entry boundary (no cursor inside an entry in pieces: a PSYNC there resyncs in full), the
 * previous replid after a cut-back, journal damage, the snapshot being split (streamed to waiting
 * replicas as it grows) and each replica's lag from the shard's commit clock. The server runs the
 * handshake, the sync decision, the transfer, the stream at each replica's pace and its ACKs; the
 * router gives it the shard's password and user, its {@code maxclients} and handshake deadline,
 * its TLS, the shard's {@code DropPolicy} (the server API's), and hears of each sync (the shard's
 * resync counters) and of fatal errors (the router stops). No public API is bypassed: the router
 * reads replicas as the server's {@code ReplicaStatus}, as any embedding program would.
 *
 * <p>{@link io.redisreplica.router.downstream.Followers} are the receivers that are not replicas:
 * each {@code replay --follow} that reports the offset its target applied on the admin port;
 * retention holds the journal for them for {@code follower-hold-time} after their last report.
 *
 * <p>Threads are the server's, named after the shard: its acceptor
 * ({@code shard-SHARD-replication-server-PORT}), per connection a session
 * ({@code shard-SHARD-replica-ADDRESS:PORT}) and, once it streams, an ACK reader
 * ({@code acks-shard-SHARD-ADDRESS:PORT}). {@code VirtualMaster.close()} closes the server, which
 * joins them all, so none reads the journal after it returns. The {@code Router} creates and
 * closes the virtual masters.
 *
 * <p>Uses {@code shard}, {@code config}, {@code support} and {@code tls} (how its sockets are
 * made: plain or TLS), and of the server module its API ({@code io.redisreplica.server}) only.
 */
package io.redisreplica.router.downstream;
