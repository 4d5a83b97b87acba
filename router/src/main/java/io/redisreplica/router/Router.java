package io.redisreplica.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.ShardCheck;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.router.admin.AdminAuth;
import io.redisreplica.router.admin.AdminEndpoints;
import io.redisreplica.router.admin.AdminHttpServer;
import io.redisreplica.router.admin.AdminServer;
import io.redisreplica.router.admin.RouterView;
import io.redisreplica.router.config.ClientLimits;
import io.redisreplica.router.config.Plugins;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.config.SinkConfig;
import io.redisreplica.router.downstream.Followers;
import io.redisreplica.router.downstream.ReplicaPolicy;
import io.redisreplica.router.downstream.ReplicaSession;
import io.redisreplica.router.downstream.VirtualMaster;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.shard.ShardFingerprint;
import io.redisreplica.router.shard.ShardMapChange;
import io.redisreplica.router.shard.ShardMapChangedException;
import io.redisreplica.router.shard.ShardMapPolicy;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.sinks.ClassSinkDelivery;
import io.redisreplica.router.sinks.KafkaSinkDelivery;
import io.redisreplica.router.sinks.RedisSinkDelivery;
import io.redisreplica.router.sinks.SinkDelivery;
import io.redisreplica.router.sinks.SinkRunner;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.router.tls.SocketFactory;
import io.redisreplica.router.tls.TlsContexts;
import io.redisreplica.router.upstream.UpstreamLink;

/**
 * The whole router: the journal, one {@link ShardRuntime} and {@link VirtualMaster} per shard,
 * and the {@link UpstreamLink} on its own thread. {@link #start} returns once the shards listen;
 * the initial sync proceeds in the background ({@link #upstream()} tells where it is).
 *
 * <p>It owns every loop it starts and the one {@link ErrorHandler} they report to: a fatal error
 * in any of them stops the router (closed on a thread of its own), and {@link #failure()} says
 * why. Loops start in data-path order (virtual masters, sinks, upstream link, admin port,
 * retention) and {@link #close()} closes them in reverse, each joined, then the journal; a start
 * that fails part way closes what it had started the same way.
 */
public final class Router implements AutoCloseable, RouterView {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final Journal journal;
    private final List<ShardRuntime> shards = new ArrayList<>();
    private final List<VirtualMaster> masters = new ArrayList<>();
    private final List<SinkRunner> sinks = new ArrayList<>();
    private final UpstreamLink upstream;
    private final AdminServer admin;
    private final AdminHttpServer adminHttp;
    private final Retention retention;
    /** The {@code replay --follow} receivers, known from their reports on the admin port. */
    private final Followers followers;
    /** The one error policy of every loop; its first fatal error stops the router. */
    private final ErrorHandler errors = new ErrorHandler(this::stopOnFatal);
    /** What has been started, the last on top: {@link #close()} pops it in reverse start order. */
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    /** Held while starting and closing: a fatal stop waits until the router is whole, a second close until the first is done. */
    private final Object lifecycle = new Object();
    private boolean closed;
    /** Shard journals found damaged at start and set aside (each shard took a new snapshot). */
    private long journalsSetAside;
    /** Shard journals found damaged at start after what the checkpoint saw, and cut back to their last good entry. */
    private long journalTailsCut;
    private final long startedAt = System.currentTimeMillis();

    private Router(RouterConfig config, CrossShardPolicy policy, ShardMapPolicy mapPolicy) throws IOException {
        this.journal = Journal.open(config.journalContext());
        boolean ok = false;
        try {
            final Checkpoint cp = journal.checkpoint();
            final Map<String, String> fingerprints = ShardFingerprint.of(config);
            final ShardMapChange change = ShardMapChange.compare(cp.shardMapRecorded() ? cp.shardMap() : null, fingerprints);
            if (!change.isEmpty()) {
                // deleting what the config no longer has is consent enough when nothing else changed
                if (!mapPolicy.acceptChange() && !(mapPolicy.removeOldShards() && change.onlyRemovals())) {
                    throw new ShardMapChangedException(change.refusal(config.journalDir()), change);
                }
                LOG.warn("shard map change accepted ({}):{}", mapPolicy.acceptChange() ? ShardMapChange.ACCEPT_OPTION
                    : ShardMapChange.REMOVE_OPTION, change.details());
            } else if (!cp.shardMapRecorded() && !cp.shards().isEmpty()) {
                LOG.info("journal {}: its checkpoint records no shard map (written before maps were recorded): "
                    + "the current one is recorded with the next checkpoint", config.journalDir());
            }
            final Path snapshots = config.journalDir().resolve("snapshots");
            Files.createDirectories(snapshots);
            oldShards(config, fingerprints.keySet(), snapshots, mapPolicy.removeOldShards());
            staleKeyIndexes(config);
            final List<String> waiting = new ArrayList<>();
            final List<ShardRuntime> cutBack = new ArrayList<>();
            for (ShardMap.Shard s : config.shardMap().shards()) {
                final Checkpoint.ShardState saved = cp.shards().get(s.name());
                // a journal that does not read back whole, or ends short of what the checkpoint saw
                // committed, is cut back to its last good entry when that keeps all the checkpoint saw
                // (the upstream link journals the rest again), else set aside: the shard takes a new
                // snapshot instead of stranding a replica
                ShardCheck checked = null;
                if (saved != null) {
                    final long started = System.nanoTime();
                    final io.redisreplica.resp.CommandFramer framer = new io.redisreplica.resp.CommandFramer(
                        io.redisreplica.resp.RespDecoderContext.preChecked()); // one for the whole walk
                    checked = journal.check(s.name(), saved.journalEnd(), entry -> wholeCommands(framer, entry));
                    LOG.info("journal shard {}: checked in {} ms: {}", s.name(), (System.nanoTime() - started) / 1_000_000,
                        checked.outcome() == ShardCheck.Outcome.WHOLE ? "whole" : checked.outcome() + ": " + checked.damage());
                }
                final ShardJournal sj = journal.shard(s.name());
                final String damage = journal.setAside().get(s.name()); // also one that could not be opened, unchecked
                if (damage != null) {
                    journalsSetAside++;
                }
                final boolean tailCut = checked != null && checked.outcome() == ShardCheck.Outcome.TAIL_CUT;
                if (tailCut) {
                    journalTailsCut++;
                }
                final long initial = saved == null || damage != null ? 0 : Math.max(saved.snapshotOffset(), 0);
                final ShardRuntime runtime = new ShardRuntime(s, sj, sj.writer(initial), snapshots, config.shardPassword(s.name()));
                runtime.fingerprint(fingerprints.get(s.name()));
                final String wait = damage != null ? "journal_damaged"
                    : change.added().contains(s.name()) ? "shard_added"
                    : change.changed().contains(s.name()) ? "shard_map_changed"
                    : saved == null ? (cp.upstreamOffset() < 0 ? "first_sync" : "shard_added")
                    : saved.snapshotOffset() < 0 ? "snapshot_incomplete" // the router stopped while it swapped snapshots
                    : !Files.exists(runtime.snapshot()) ? "snapshot_missing" : null;
                if (wait == null) {
                    runtime.restore(saved.replid(), saved.epoch(), saved.snapshotOffset());
                    if (tailCut) {
                        runtime.cutBack(checked.goodEnd());
                        cutBack.add(runtime);
                    }
                } else {
                    runtime.awaitSnapshot(saved == null ? null : saved.replid(), saved == null ? 0 : saved.epoch(), wait);
                    waiting.add(s.name() + " (" + wait + ")");
                }
                shards.add(runtime);
                if (config.describeRewrites(s.name()) != null) {
                    LOG.info("shard {}: keys rewritten ({})", s.name(), config.describeRewrites(s.name()));
                }
            }
            if (!cutBack.isEmpty()) {
                // the new replids are durable before any replica is served: one that received what was
                // cut must not continue with the old one after a restart
                final Checkpoint next = journal.checkpoint();
                cutBack.forEach(s -> next.shard(s.name(), s.replid(), s.epoch(), s.snapshotOffset(), s.journal().endOffset()));
                journal.writeCheckpoint(next);
            }
            // one set of TLS contexts for every shard port and one for the sinks: each reloads its files when they change
            final TlsContexts shardTls = shards.stream().anyMatch(s -> config.shardTls(s.name()))
                ? new TlsContexts(config.tls(), "shard ports") : null;
            for (ShardRuntime s : shards) {
                final VirtualMaster master = new VirtualMaster(s, config.replicaStallTimeout().toMillis(),
                    new ReplicaPolicy(config.replicaMaxFailures(), config.replicaFailureWindow().toMillis(), config.replicaDropTime().toMillis()),
                    ClientLimits.of(config), config.shardUser(s.name()), errors,
                    config.shardTls(s.name()) ? SocketFactory.of(shardTls) : SocketFactory.plain());
                masters.add(master);
                started.push(master); // bound: closed on a failure from here on, started or not
                master.start();
            }
            final SocketFactory sinkTls = config.sinks().stream().anyMatch(SinkConfig::tls)
                ? SocketFactory.of(new TlsContexts(config.tls(), "sinks")) : SocketFactory.plain();
            for (SinkConfig sink : config.sinks()) {
                for (ShardRuntime s : shards) {
                    if (sink.takes(s.name())) {
                        final SinkDelivery delivery = switch (sink.kind()) {
                            case CLASS -> new ClassSinkDelivery(sink, s.name(), config.journalDir().resolve("sinks"));
                            case KAFKA -> new KafkaSinkDelivery(sink, s.name()); // TLS/SASL through kafka.* settings
                            default -> new RedisSinkDelivery(sink, s.name(), sink.tls() ? sinkTls : SocketFactory.plain());
                        };
                        sinks.add(new SinkRunner(sink, s, delivery, config.sinkMaxFailures(), errors));
                    }
                }
            }
            // the transforms' open() is user code: run here, where the router is wired, not by reading the config
            this.upstream = new UpstreamLink(config, Plugins.openValueRules(config), journal, shards, snapshots, policy,
                this::recordReceivers, errors);
            for (ShardRuntime s : shards) {
                s.onJournalDamage(reason -> upstream.requestFullResync("shard " + s.name() + ": its journal cannot be read ("
                    + reason + "): a new snapshot replaces what is damaged"));
            }
            if (!waiting.isEmpty() && cp.upstreamOffset() >= 0) {
                // the master would continue with PSYNC, which makes no snapshot: ask for a full sync.
                // It gives every shard a new snapshot epoch, so the others' replicas resync in full too.
                upstream.requestFullResync("no snapshot for shard " + String.join(", ", waiting)
                    + ": a full sync of the master builds every shard's snapshot anew (each shard's replicas get a full resync)");
            }
            this.followers = new Followers(shards.stream().map(ShardRuntime::name).toList(), config.followerHoldTime().toMillis());
            final AdminEndpoints endpoints = config.adminPort() > 0 || config.adminHttpPort() > 0 ? new AdminEndpoints(this) : null;
            // one admin-password for both admin sides: the RESP/HTTP admin port and admin-http
            final AdminAuth adminAuth = AdminAuth.of(config.adminUser(), config.adminPassword(), config.adminHealthOpen());
            this.adminHttp = config.adminHttpPort() > 0
                ? new AdminHttpServer(endpoints, config.adminHttpHost(), config.adminHttpPort(), errors, adminAuth) : null;
            try {
                this.admin = config.adminPort() > 0
                    ? new AdminServer(this, endpoints, config.adminHost(), config.adminPort(), ClientLimits.of(config), errors,
                        config.adminTls() ? SocketFactory.of(new TlsContexts(config.tls(), "admin")) : SocketFactory.plain(), adminAuth)
                    : null;
            } catch (IOException | RuntimeException e) {
                if (adminHttp != null) {
                    adminHttp.close(); // bound but not yet among what close() closes
                }
                throw e;
            }
            this.retention = new Retention(shards, masters, sinks, upstream, followers, config.retentionInterval().toMillis(), errors);
            synchronized (lifecycle) { // a fatal error meanwhile closes the router once it is whole
                started.push(() -> SinkRunner.closeAll(sinks)); // in parallel: one join bound for all of them
                sinks.forEach(SinkRunner::start);
                upstream.start();
                started.push(upstream);
                if (admin != null) {
                    admin.start();
                    started.push(admin);
                }
                if (adminHttp != null) {
                    adminHttp.start();
                    started.push(adminHttp);
                }
                retention.start();
                started.push(retention);
            }
            ok = true;
        } finally {
            if (!ok) {
                closeOnce(); // a port in use, say: nothing started stays running
            }
        }
    }

    /** Starts with {@link ShardMapPolicy#REFUSE}: a changed shard map fails with {@link ShardMapChangedException}. */
    public static Router start(RouterConfig config, CrossShardPolicy policy) {
        return start(config, policy, ShardMapPolicy.REFUSE);
    }

    /**
     * @throws ShardMapChangedException when the shard map differs from the journal's and {@code
     *     mapPolicy} does not accept it; nothing was written then
     */
    public static Router start(RouterConfig config, CrossShardPolicy policy, ShardMapPolicy mapPolicy) {
        try {
            return new Router(config, policy, mapPolicy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the router: " + e.getMessage(), e);
        }
    }

    /**
     * Journal shards the config does not have: removed (journal, snapshot, sink offsets and key indexes) when
     * asked, else kept as they are, with a warning: nothing reads or retains them.
     */
    private void oldShards(RouterConfig config, java.util.Set<String> configured, Path snapshots, boolean remove) throws IOException {
        for (String name : journal.shardNames()) {
            if (configured.contains(name)) {
                continue;
            }
            if (!remove) {
                LOG.warn("journal {}: shard {} is not in the config: its journal is kept and left alone (no replica is served "
                    + "from it, retention does not touch it); start with {} to delete it", config.journalDir(), name,
                    ShardMapChange.REMOVE_OPTION);
                continue;
            }
            journal.removeShard(name);
            Files.deleteIfExists(snapshots.resolve(name + ".rdb"));
            final Path sinkDir = config.journalDir().resolve("sinks");
            if (Files.isDirectory(sinkDir)) {
                try (java.util.stream.Stream<Path> sinkNames = Files.list(sinkDir)) {
                    for (Path sink : sinkNames.toList()) {
                        Files.deleteIfExists(sink.resolve(name + ".offset"));
                        deleteKeyIndex(sink.resolve(name + ".index")); // a shard added again under this name starts a new one
                    }
                }
            }
            LOG.warn("journal {}: shard {} is not in the config: its journal, snapshot, sink offsets and key indexes were deleted ({})",
                config.journalDir(), name, ShardMapChange.REMOVE_OPTION);
        }
    }

    /**
     * Deletes the key indexes no configured sink reads any more: the sink was removed, lost its
     * {@code kinds=}, or no longer takes that shard. An index is derived data (made again from the
     * shard's snapshot when a sink asks for kinds again), a large one (about 27 bytes a key), and a
     * stale one must not be mistaken for current if the sink comes back.
     */
    private static void staleKeyIndexes(RouterConfig config) throws IOException {
        final Path sinkDir = config.journalDir().resolve("sinks");
        if (!Files.isDirectory(sinkDir)) {
            return;
        }
        try (java.util.stream.Stream<Path> sinkNames = Files.list(sinkDir)) {
            for (Path sink : sinkNames.toList()) {
                final String name = sink.getFileName().toString();
                final SinkConfig configured = config.sinks().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
                try (java.util.stream.Stream<Path> files = Files.list(sink)) {
                    for (Path index : files.filter(f -> f.getFileName().toString().endsWith(".index")).toList()) {
                        final String file = index.getFileName().toString();
                        final String shard = file.substring(0, file.length() - ".index".length());
                        if (configured == null || configured.kinds().isEmpty() || !configured.takes(shard)) {
                            deleteKeyIndex(index);
                            LOG.info("sink {}: deleted its key index of shard {} ({}): no configured sink reads it", name, shard, index);
                        }
                    }
                }
            }
        }
    }

    /** Deletes a sink's key index directory (its files, then itself), if there is one. */
    private static void deleteKeyIndex(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

        /** Whether a journal entry's payload frames as whole RESP commands (damaged bytes seldom do). */
    private static boolean wholeCommands(io.redisreplica.resp.CommandFramer framer, io.redisreplica.journal.JournalEntry entry) {
        framer.reset();
        final int end = entry.payloadOffset() + entry.payloadLength();
        int at = entry.payloadOffset();
        try {
            int n;
            while (at < end && (n = framer.frame(entry.payload(), at, end - at)) > 0) {
                if (framer.command().isInline() && !framer.command().isEmpty()) {
                    return false; // the router journals arrays only
                }
                at += n;
            }
        } catch (RuntimeException e) {
            return false;
        }
        return at == end;
    }

    /** Shard journals found damaged at start and set aside; each such shard takes a new snapshot. */
    public long journalsSetAside() {
        return journalsSetAside;
    }

    /**
     * Shard journals found damaged at start after the end the checkpoint saw, and cut back to
     * their last good entry; their replicas within it continue, the master's stream brings the rest.
     */
    public long journalTailsCut() {
        return journalTailsCut;
    }

    /** Milliseconds since start. */
    public long uptimeMillis() {
        return System.currentTimeMillis() - startedAt;
    }

    public UpstreamLink upstream() {
        return upstream;
    }

    @Override
    public long lastCheckpointMillis() {
        return journal.lastCheckpointMillis();
    }

    @Override
    public Path journalDir() {
        return journal.dir();
    }

    @Override
    public long journalMinFreeBytes() {
        return journal.context().minFreeBytes();
    }

    public List<ShardRuntime> shards() {
        return shards;
    }

    /** The journal's checkpoint as last written (every 200 ms): upstream position, shards, receivers. */
    public Checkpoint checkpoint() {
        return journal.checkpoint();
    }

    /** The event sinks, one runner per sink and shard. */
    public List<SinkRunner> sinks() {
        return sinks;
    }

    /** Replicas shard {@code index} has dropped by its failure policy since start. */
    public long drops(int index) {
        return masters.get(index).policy().drops();
    }

    /** The listener of shard {@code index}: its client limits and counters. */
    public VirtualMaster listener(int index) {
        return masters.get(index);
    }

    /** The admin port's server, or null when none is configured. */
    public AdminServer adminServer() {
        return admin;
    }

    /** The admin-http server, or null when none is configured. */
    public AdminHttpServer adminHttpServer() {
        return adminHttp;
    }

    /** Live sessions of shard {@code index}. */
    public List<ReplicaSession> sessions(int index) {
        return masters.get(index).sessions();
    }

    @Override
    public Followers followers() {
        return followers;
    }

    /** Replicas connected to shard {@code index} and where each is. */
    public List<String> replicas(int index) {
        final List<String> out = new ArrayList<>();
        for (ReplicaSession s : masters.get(index).sessions()) {
            out.add(s.peer() + " " + s.state() + " sent=" + s.sentOffset() + " acked=" + s.ackedOffset());
        }
        return out;
    }

    /**
     * Records in the checkpoint each connected replica's acknowledged offset, under its address
     * and listening port (what {@code redis-replica replay --from-receiver} and {@code journal ls}
     * read). A replica that went keeps its last record, the place to replay it from; once the
     * journal no longer reaches back to it, or a newer snapshot epoch started past it, the record
     * says it needs a full resync.
     */
    private void recordReceivers(Checkpoint cp) {
        for (int i = 0; i < shards.size(); i++) {
            final ShardRuntime shard = shards.get(i);
            final java.util.Set<String> live = new java.util.HashSet<>();
            for (ReplicaSession s : masters.get(i).sessions()) {
                // an ACK past the journal's end (a confused replica) must not fail the checkpoint, and the link with it
                if (s.ackedOffset() >= 0 && s.ackedOffset() <= shard.journal().endOffset()) {
                    cp.receiver(shard.name(), s.identity(), s.ackedOffset(), false);
                    live.add(s.identity());
                }
            }
            final long first = shard.journal().firstOffset();
            for (Checkpoint.ReceiverState r : cp.receivers()) {
                if (r.shard().equals(shard.name()) && !live.contains(r.receiver()) && !r.needsFullResync()
                    && (r.ackedOffset() < first || r.ackedOffset() < shard.snapshotOffset())) {
                    cp.receiver(r.shard(), r.receiver(), r.ackedOffset(), true);
                    LOG.info("shard {} receiver {}: acknowledged {}, which the journal no longer continues: it needs a full resync",
                        shard.name(), r.receiver(), r.ackedOffset());
                }
            }
        }
    }

    @Override
    public long retentionDeleted() {
        return retention.deleted();
    }

    @Override
    public long retentionErrors() {
        return retention.failures();
    }

    /**
     * Why the router stopped by itself, or null while it runs (or after a requested stop): the
     * first fatal error of any of its loops, or the upstream link's own reason to end. {@code run}
     * exits non-zero on it.
     */
    public String failure() {
        final String fatal = errors.failure();
        return fatal != null ? fatal : upstream.failure();
    }

    /** The handler every loop reports to (tests report a fatal error through it). */
    ErrorHandler errors() {
        return errors;
    }

    /** The first fatal error stops the router: on a thread of its own, since the failing thread may be one that close() joins. */
    private void stopOnFatal() {
        final Thread stop = new Thread(this::close, "router-stop");
        stop.setDaemon(true);
        stop.start();
    }

    /** Closes every loop in reverse start order, each joined, then the journal; a second call waits for the first. */
    @Override
    public void close() {
        if (closeOnce()) {
            LOG.info("router stopped");
        }
    }

    /** Closes what was started, in reverse, then the journal; false when that was done already. */
    private boolean closeOnce() {
        synchronized (lifecycle) {
            if (closed) {
                return false;
            }
            closed = true;
            while (!started.isEmpty()) {
                final AutoCloseable c = started.pop();
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("closing {} failed", c, e);
                }
            }
            journal.close();
            return true;
        }
    }
}
