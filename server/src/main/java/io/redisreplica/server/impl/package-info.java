/**
 * The server's internals: not an API, may change between versions.
 *
 * <p>The SPI's {@link io.redisreplica.server.spi.AcceptLoop} accepts within the client slots of
 * {@link io.redisreplica.server.impl.Sessions} and starts a {@code ReplicaSession} per
 * connection: its {@link io.redisreplica.server.spi.ReplicaHandshake} (from the SPI, with
 * {@code Sessions} as its host), the pure {@code SyncDecision}, the {@code SnapshotTransfer} of a full
 * resync (or the {@code SnapshotStream} of a snapshot still being written), the SPI's {@link io.redisreplica.server.spi.StreamWriter} from the source's cursor and, on a thread of its own, the
 * SPI's {@link io.redisreplica.server.spi.AckReader}. {@link io.redisreplica.server.impl.KeepAlive}
 * appends the master's PING.
 * Every loop is an {@link io.redisreplica.server.impl.Agent} (named thread, {@code close()} wakes
 * and joins it) reporting to {@link io.redisreplica.server.impl.Errors}.
 *
 * <p>Adapted from the router's virtual master ({@code io.redisreplica.router.downstream}), without
 * what is the router's own (Chronicle journals, shards); the policy's
 * calls are in {@code Sessions}.
 * Uses {@code io.redisreplica.server} and {@code io.redisreplica.server.spi}.
 */
package io.redisreplica.server.impl;
