/**
 * The link to the real master. {@link io.redisreplica.router.upstream.UpstreamLink} is the state
 * machine (connect, handshake, full or partial sync, stream, wait to retry, stopped) and the
 * {@code upstream-HOST:PORT} agent that drives it; each step is its own class:
 * {@code MasterLocator} (which node: the fixed address, the master ROLE leads to, or the one the
 * Sentinels name, {@code SentinelAsk}), {@code MasterHandshake} (in the client module: AUTH, PING, ROLE, REPLCONF,
 * PSYNC or SYNC), {@code FullSync} (the RDB split into the shards' new snapshots, each published as it grows for the
 * replicas that stream it), {@code StreamLoop} (framing, routing, and the commit, ACK,
 * checkpoint and keep-alive clocks), {@code UpstreamPosition} (the replid and offset the journal
 * covers, the journaling callback and the checkpoint), {@code ReplconfAck} and {@code RetryBackoff}. The connection is
 * a {@code MasterConnection} (a socket, or in-memory streams in tests).
 * {@link io.redisreplica.router.upstream.MasterCommands} reads the master's command table (on
 * {@code CommandTableFetch}'s thread, {@code master-commands-HOST:PORT}, while the link PSYNCs and
 * splits; the link learns it on its own thread before it routes), and
 * {@link io.redisreplica.router.upstream.MasterSideConnection} is the side connection that reads
 * values for translated commands. {@code SentinelWatcher} is a second agent, owned and run by the
 * link with {@code upstream-sentinel}: it listens for {@code +switch-master} on one sentinel
 * and points the link at the new master at once. Both reach the sentinels through
 * {@code SentinelClients} (plain, or TLS with {@code upstream-sentinel-tls}). These side conversations (command table, side
 * connection, sentinels) are the resp module's {@code RespClient}s; only the replication link
 * itself reads its socket its own way.
 *
 * <p>Threads: one, the link's ({@code support.Agent}): {@code start()} starts it, {@code close()}
 * closes its connection, ends a backoff wait and joins it. Every state is written on it; INFO reads
 * published volatile values. The link's periodic checkpoints are built on it and written (two
 * fsyncs) by a second agent it owns, {@code CheckpointWriter} ({@code checkpoint}), so a slow disk
 * never stalls the stream; a third, {@code JournalPretoucher} ({@code pretouch}), makes the first
 * write to each page of the journal's files ahead of the link's appends, so the file system's
 * block reservation waits there, not on the link. The side connection is used on that thread only. Faults it can retry
 * are logged once each ({@code DistinctErrors}); what it cannot (a {@code RouterException}, an
 * {@code Error}) goes to the {@code ErrorHandler} as fatal, which is {@code failure()}.
 *
 * <p>Uses {@code shard}, {@code config}, {@code routing}, {@code support} and {@code tls} (how its sockets are made: plain or TLS).
 */
package io.redisreplica.router.upstream;
