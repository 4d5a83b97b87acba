/**
 * RDB, read once as a stream and split by a shard map into one valid RDB per shard.
 *
 * <p>{@link io.redisreplica.rdb.RdbReader} walks a dump (versions 1-13, and Valkey's {@code
 * VALKEY0xx} header) with a bounded buffer: for each entry it decodes the key and finds the byte
 * range of the value without decoding it, so the {@link io.redisreplica.rdb.RdbSplitter} copies
 * each entry byte for byte into the output its key belongs to. The CRC64 is checked as it goes.
 * Nothing is held whole except keys (capped): values of any size stream through.
 *
 * <p>Names follow Redis's {@code rdb.c} / {@code rdb.h}; the grammar is in {@link
 * io.redisreplica.rdb.RdbConstants}.
 */
package io.redisreplica.rdb;
