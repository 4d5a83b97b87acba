/**
 * Building blocks of a replication master, for listeners that are not a
 * {@link io.redisreplica.server.ReplicationServer} but speak to the same replicas: the router's
 * virtual masters (and its admin port, for {@link io.redisreplica.server.spi.ClientGuard}) are
 * made of them, as the server is. A documented SPI: stable like the API, but lower level.
 *
 * <p>{@link io.redisreplica.server.spi.ReplicaHandshake} answers a replica until its SYNC or
 * PSYNC (PING, AUTH, REPLCONF, INFO, ROLE) for a {@link io.redisreplica.server.spi.HandshakeHost}
 * (whose INFO and ROLE list the replicas as a {@link io.redisreplica.server.spi.ReplicaList}),
 * within the {@link io.redisreplica.server.spi.HandshakeLimits} (Redis's pre-AUTH limits);
 * {@link io.redisreplica.server.spi.ClientGuard} checks AUTH in constant time and slows a brute
 * force per address; {@link io.redisreplica.server.spi.SafeText} makes a client's bytes safe to
 * echo or log; {@link io.redisreplica.server.spi.AckReader} reads a streaming replica's
 * {@code REPLCONF ACK}s and shows it stalled; {@link io.redisreplica.server.spi.AcceptLoop} accepts
 * within a listener's {@link io.redisreplica.server.spi.ClientSlots}, backs off when accept fails
 * and reports to the owner's error policy; {@link io.redisreplica.server.spi.SyncDecision} is the
 * pure answer to a SYNC or PSYNC; {@link io.redisreplica.server.spi.StreamWriter} writes the
 * command stream from a {@link io.redisreplica.server.JournalCursor} at a replica's pace;
 * {@link io.redisreplica.server.spi.Loop} is a loop on a named thread that wakes, joins and
 * reports what escapes it (the server's loops and the router's agents);
 * {@link io.redisreplica.server.spi.LagWindow} keeps a replica's lag samples over the last minute.
 * Uses {@code resp} (framing), Agrona's buffers, HdrHistogram, SLF4J and, of the server's API,
 * only the {@code JournalCursor} interface and the {@code LagStats} value; nothing of its internals.
 */
package io.redisreplica.server.spi;
