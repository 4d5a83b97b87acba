/**
 * A Redis replica as a library: connect to a master as a replica, get its snapshot as RDB entries
 * and then its command stream with the replication offset of each command, and resume from an
 * offset the application stored ({@code PSYNC}), with a clear signal when the master answers with
 * a full resync instead.
 *
 * <p>{@link io.redisreplica.client.ReplicationClient} is the API: the application pulls the next
 * command when it is ready for it, so its pace is the backpressure (the master holds what is not
 * read in its replica output buffer, and drops the link when that buffer's limit is reached; the
 * application then resumes from its stored offset). {@link io.redisreplica.client.MasterHandshake}
 * is the handshake alone, which the router's upstream link uses too.
 *
 * <p>The buffers are Agrona's, which need {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED}
 * on the JVM's command line (the {@code redis-replica} jar's manifest carries it for the tools).
 *
 * <pre>{@code
 * try (ReplicationClient client = ReplicationClient.connect(ReplicationClient.options("10.0.0.5", 6379), stored)) {
 *     if (client.sync().full()) {
 *         client.readSnapshot(visitor);                   // every key of the master, as RDB entries
 *     }
 *     while (running) {
 *         Command c = client.next(1_000);                 // null after a second without a command
 *         if (c != null) {
 *             apply(client.db(), c);
 *             store(client.position());                   // replid and offset: resume from here
 *         }
 *     }
 * }
 * }</pre>
 */
package io.redisreplica.client;
