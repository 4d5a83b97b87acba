/**
 * The durable journal: per shard, an append-only sequence of entries, each the exact RESP bytes
 * sent downstream plus the shard's replication offset at its end and the upstream offset that
 * produced it. Receivers and the router itself resume from it after a disconnect or a crash.
 *
 * <p>Chronicle Queue does the storage; this is the only package that imports
 * {@code net.openhft.*}, and none of its types appear in the public API ({@link
 * io.redisreplica.journal.Journal}, {@link io.redisreplica.journal.JournalWriter}, {@link
 * io.redisreplica.journal.JournalReader}, {@link io.redisreplica.journal.Checkpoint}).
 *
 * <p>At start, {@link io.redisreplica.journal.Journal#check} reads a shard's journal back and cuts a
 * damaged tail back to its last good entry, or sets a journal damaged before the last checkpoint
 * aside (package-private pieces: {@code ShardRepair}, {@code JournalScan}, {@code PrefixCopy}).
 *
 * <p>A {@link io.redisreplica.journal.Pretoucher}, called from a thread of its owner's, keeps the
 * pages ahead of each shard's writer touched and the next cycle's file made, so the writer's
 * thread does not wait for the file system's block reservation there ({@code ShardPretouch}).
 *
 * <p>Opening a journal turns Chronicle's usage analytics off for the JVM before any Chronicle
 * class loads, so no process of ours calls an outside host, however it was started.
 */
package io.redisreplica.journal;
