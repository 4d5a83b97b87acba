/**
 * The shards' virtual masters and their replicas.
 * {@link io.redisreplica.router.downstream.VirtualMaster} listens on a shard's port;
 * the server SPI's {@link io.redisreplica.server.spi.AcceptLoop} accepts within the port's limits (also for
 * the admin port), the server module's {@link io.redisreplica.server.spi.ClientGuard} remembers
 * addresses that failed AUTH or broke the protocol and holds back their repeated wrong AUTH. A
 * {@link io.redisreplica.router.downstream.ReplicaSession} takes a replica through the server
 * module's {@link io.redisreplica.server.spi.ReplicaHandshake} (the one a {@code ReplicationServer}
 * runs, with the shard's {@link io.redisreplica.router.downstream.ShardHandshakeHost} for its
 * password, INFO and ROLE), answers its {@code PSYNC} as the pure
 * {@link io.redisreplica.server.spi.SyncDecision} (the server SPI's) says ({@code +CONTINUE}, or
 * {@code +FULLRESYNC} with the {@link io.redisreplica.router.downstream.SnapshotSender}, or with
 * the {@link io.redisreplica.router.downstream.SnapshotStream} while the shard's next snapshot is
 * still being split (read from its file behind the splitter's published position), a wait
 * for the first snapshot, a refusal) and streams the journal at the replica's pace (a
 * {@link io.redisreplica.router.downstream.ShardJournalCursor}, the server API's cursor over the
 * shard's journal, written by the server SPI's {@link io.redisreplica.server.spi.StreamWriter}), while its
 * {@link io.redisreplica.server.spi.AckReader} (the server module's) publishes the acknowledged offset and
 * {@link io.redisreplica.router.downstream.ReplicaLag} samples its lag from the shard's commit clock;
 * the server API's {@link io.redisreplica.server.DropPolicy} drops a replica that keeps failing and
 * holds a refused one before its error. {@link io.redisreplica.router.downstream.ShardSource} is the
 * shard as the server API's {@code ReplicationSource} (snapshot, journal cursor, previous replid,
 * damage, the snapshot being split), what a {@code ReplicationServer} serves a shard from; the
 * virtual master does not run on it yet (issue 19: its session, INFO and counters move to the
 * server's when they are switched over). {@link io.redisreplica.router.downstream.Followers} are
 * the receivers that are not replicas: each {@code replay --follow} that reports the offset its
 * target applied on the admin port; retention holds the journal for them for
 * {@code follower-hold-time} after their last report.
 *
 * <p>Threads, each a {@code support.Agent} (named, {@code close()} wakes and joins it): a
 * {@code VirtualMaster}'s constructor starts its acceptor ({@code virtual-master-SHARD}); the
 * accept loop starts a {@code ReplicaSession} per connection ({@code shard-SHARD-ADDRESS}), which
 * starts its {@code AckReader} ({@code acks-SHARD-PEER}, an SPI {@code Loop}) once streaming and joins it when it ends.
 * A session's state has one writer, its own thread; the ACK reader writes only what it publishes.
 * {@code VirtualMaster.close()} joins the acceptor, then closes every session's socket and joins
 * each (3 s bound), so none reads the journal after it returns. The {@code Router} creates and
 * closes the virtual masters.
 *
 * <p>Uses {@code shard}, {@code config}, {@code routing}, {@code support} and {@code tls} (how its sockets are made: plain or TLS),
 * and of the server module its SPI ({@code io.redisreplica.server.spi}) and, of its API, the
 * {@code JournalCursor} it implements.
 */
package io.redisreplica.router.downstream;
