/**
 * RDB, read once as a stream and split by a shard map into one valid RDB per shard.
 *
 * <p>{@link io.redisreplica.rdb.RdbReader} walks a dump (versions 1-13, and Valkey's {@code
 * VALKEY0xx} header) with a bounded buffer: for each entry it decodes the key and finds the byte
 * range of the value without decoding it, so the {@link io.redisreplica.rdb.RdbSplitter} copies
 * each entry byte for byte into the output its key belongs to. The CRC64 is checked as it goes.
 * Nothing is held whole except keys (capped): values of any size stream through.
 *
 * <p>As a library: a {@link io.redisreplica.rdb.RdbVisitor} gets each entry's key, db, type,
 * expiry and LRU/LFU ({@link io.redisreplica.rdb.RdbEntry}); returning a sink from {@code onEntry}
 * receives the entry's raw bytes, returning a {@link io.redisreplica.rdb.RdbValueVisitor} from
 * {@code onValue} gets the value decoded element by element, and returning null from both steps
 * over it without decoding. The input is any {@code InputStream}: a file, a socket, or a
 * replication transfer ({@link io.redisreplica.rdb.RdbTransfer}). {@link
 * io.redisreplica.rdb.RdbWriter} writes RDBs (unbuffered, buffered, or with its buffers' CRC64 and
 * writes on an executor while the caller reads on), and {@link io.redisreplica.rdb.RdbSplitter}
 * splits one by a key predicate. {@code examples/RdbKeyTypes} counts a file's keys by type:
 *
 * <pre>{@code
 * try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
 *     new RdbReader().read(in, new RdbVisitor() {
 *         public RdbSink onEntry(RdbEntry e) {
 *             byType.merge(e.type(), 1L, Long::sum);
 *             return null;                                   // the raw bytes are not wanted
 *         }
 *         public RdbValueVisitor onValue(RdbEntry e) {
 *             return e.keyString().startsWith("user:") ? printer : null;   // decode only these
 *         }
 *     });
 * }
 * }</pre>
 *
 * <p>Names follow Redis's {@code rdb.c} / {@code rdb.h}; the grammar is in {@link
 * io.redisreplica.rdb.RdbConstants}.
 */
package io.redisreplica.rdb;
