/**
 * The key index a sink with {@code kinds=} keeps per shard, so its events can tell an added key
 * from a changed one and an expiry from a DEL: {@link io.redisreplica.router.sinks.index.KeyIndex}
 * (a {@link io.redisreplica.router.sinks.index.KeyTable} per database, off the heap over mapped
 * files, and a stamp that says which offset they reflect), each key as a 64-bit
 * {@link io.redisreplica.router.sinks.index.KeyHash} and a {@link io.redisreplica.router.sinks.index.KeyMeta}
 * (type, expiry), filled from a shard snapshot by {@link io.redisreplica.router.sinks.index.SnapshotKeys};
 * an {@code UndoLog} takes it back to its last stamp after a failed delivery.
 * Which command does what to a key is the {@code sinks} package's business ({@code KeyKinds}).
 *
 * <p>Uses no other router package: only the rdb module and Agrona.
 */
package io.redisreplica.router.sinks.index;
