/**
 * The router, laid out along its data path: the upstream link replicates from the master
 * ({@code upstream}), routes each command to its shards ({@code routing}) and appends it to each
 * shard's journal ({@code shard}); virtual masters serve each shard to its replicas
 * ({@code downstream}); event sinks deliver each shard's key events ({@code sinks}); the admin port
 * reports on all of them ({@code admin}). {@code config} is the parsed config file and
 * {@code support} small helpers. A package uses only those below it on that path
 * ({@code PackageLayersTest} checks it on the compiled classes).
 *
 * <p>{@link io.redisreplica.router.Router} wires them and owns every thread the router starts,
 * all daemon threads:
 * <ul>
 * <li>{@code upstream-HOST:PORT}, running the {@code UpstreamLink}: started by the constructor,
 *     stopped and joined (5 s) by {@code close()};</li>
 * <li>{@code retention}: started by the constructor, interrupted (not joined) by {@code close()};</li>
 * <li>per shard, a {@code VirtualMaster} whose constructor starts its acceptor and which starts a
 *     thread per replica connection; {@code close()} closes each after the sinks;</li>
 * <li>per sink and shard, a {@code SinkRunner} thread: started after the upstream thread, each
 *     stopped and joined (5 s) in turn by {@code close()};</li>
 * <li>the {@code AdminServer}, when an admin port is configured: its constructor starts its acceptor;
 *     {@code close()} closes it first.</li>
 * </ul>
 * {@code close()} closes the journal last.
 */
package io.redisreplica.router;
