/**
 * The router, laid out along its data path: the upstream link replicates from the master
 * ({@code upstream}), routes each command to its shards ({@code routing}) and appends it to each
 * shard's journal ({@code shard}); virtual masters serve each shard to its replicas
 * ({@code downstream}); event sinks deliver each shard's key events ({@code sinks}); the admin port
 * reports on all of them ({@code admin}). {@code config} is the parsed config file and
 * {@code support} small helpers. A package uses only those below it on that path
 * ({@code PackageLayersTest} checks it on the compiled classes).
 *
 * <p>{@link io.redisreplica.router.Router} wires them, creates the one {@code ErrorHandler} every
 * loop reports to (its first fatal error stops the router, on a {@code router-stop} thread, and is
 * {@code Router.failure()}), and owns every thread the router starts, all daemon threads. It
 * starts them in this order and {@code close()} closes them in reverse, each joined, then the
 * journal; a start that fails part way (an admin port in use) closes what it had started:
 * <ol>
 * <li>per shard, a {@code VirtualMaster}, the server API's {@code ReplicationServer} on the shard's
 *     port: its acceptor ({@code shard-SHARD-replication-server-PORT}) and per replica connection a
 *     session and an ACK reader, all joined by its {@code close()};</li>
 * <li>per sink and shard, a {@code SinkRunner} agent ({@code sink-NAME-SHARD}): closed all at once
 *     within one bound of 5 s;</li>
 * <li>{@code upstream-HOST:PORT}, running the {@code UpstreamLink}: stopped and joined (5 s);</li>
 * <li>the {@code AdminServer}, when an admin port is configured (its acceptor agent
 *     {@code admin-PORT} and a thread per client, all joined): its port is bound before anything
 *     starts;</li>
 * <li>{@link io.redisreplica.router.Retention} ({@code retention}), an agent.</li>
 * </ol>
 */
package io.redisreplica.router;
