/**
 * The client's internals, public only so that {@code io.redisreplica.client} can use them
 * (Chronicle's {@code impl} convention): no compatibility is promised here, and no type of this
 * package appears in a signature of the API package. {@link io.redisreplica.client.impl.MasterLink}
 * opens a link (TCP, TLS, the handshake, PSYNC); {@link io.redisreplica.client.impl.CommandStream}
 * reads the command stream after it without allocating per command; {@link
 * io.redisreplica.client.impl.StreamDbVisitor} takes the stream's database from a snapshot; {@link
 * io.redisreplica.client.impl.StreamJournal} is {@code JournaledClient}'s journal, {@link
 * io.redisreplica.client.impl.MasterFinder} where it connects (a fixed address, or Sentinel's answer)
 * and {@link io.redisreplica.client.impl.TransactionStart} where the transaction it delivers began.
 */
package io.redisreplica.client.impl;
