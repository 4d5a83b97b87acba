/**
 * The shards' virtual masters and their replicas.
 * {@link io.redisreplica.router.downstream.VirtualMaster} listens on a shard's port;
 * {@link io.redisreplica.router.downstream.AcceptLoop} accepts within the port's limits (also for
 * the admin port), {@link io.redisreplica.router.downstream.ClientGuard} remembers addresses that
 * failed AUTH or broke the protocol and holds back their repeated wrong AUTH; a
 * {@link io.redisreplica.router.downstream.DownstreamSession} takes a replica through the
 * handshake, answers its {@code PSYNC} ({@code +CONTINUE} or {@code +FULLRESYNC} with the
 * snapshot) and streams the journal at the replica's pace;
 * {@link io.redisreplica.router.downstream.ReplicaPolicy} drops a replica that keeps failing.
 *
 * <p>Threads: a {@code VirtualMaster}'s constructor starts its acceptor
 * ({@code virtual-master-SHARD}); the accept loop starts a thread per connection
 * ({@code shard-SHARD-ADDRESS}) that runs its {@code DownstreamSession}, which starts an ACK reader
 * ({@code acks-SHARD-PEER}) once streaming. {@code VirtualMaster.close()} stops the acceptor,
 * closes the sessions' sockets and waits up to 3 s for them to end; the ACK readers end with their
 * sockets. The {@code Router} creates and closes the virtual masters.
 *
 * <p>Uses {@code shard}, {@code config}, {@code routing} and {@code support}.
 */
package io.redisreplica.router.downstream;
