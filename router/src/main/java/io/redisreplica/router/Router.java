package io.redisreplica.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
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
import io.redisreplica.router.downstream.VirtualMaster;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.shard.ShardMapPolicy;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.shard.ShardsAtStart;
import io.redisreplica.router.sinks.ClassSinkDelivery;
import io.redisreplica.router.sinks.KafkaSinkDelivery;
import io.redisreplica.router.sinks.RedisSinkDelivery;
import io.redisreplica.router.sinks.SinkDelivery;
import io.redisreplica.router.sinks.SinkRunner;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.router.tls.SocketFactory;
import io.redisreplica.router.tls.TlsContexts;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.server.DropPolicy;
import io.redisreplica.server.ReplicaStatus;

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
 *
 * <p>Over 300 lines: about a third is the RouterView accessors the admin side reads; the wiring and
 * the reverse-order close stay in one place on purpose (the start order is the close order).
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
    private final long journalsSetAside;
    /** Shard journals found damaged at start after what the checkpoint saw, and cut back to their last good entry. */
    private final long journalTailsCut;
    private final long startedAt = System.currentTimeMillis();

    private Router(RouterConfig config, CrossShardPolicy policy, ShardMapPolicy mapPolicy) throws IOException {
        this.journal = Journal.open(config.journalContext());
        boolean ok = false;
        try {
            final ShardsAtStart opened = ShardsAtStart.open(config, journal, mapPolicy);
            shards.addAll(opened.shards());
            journalsSetAside = opened.setAside();
            journalTailsCut = opened.tailsCut();
            final List<String> waiting = opened.waiting();
            final Path snapshots = opened.snapshots();
            // one set of TLS contexts for every shard port and one for the sinks: each reloads its files when they change
            final TlsContexts shardTls = shards.stream().anyMatch(s -> config.shardTls(s.name()))
                ? new TlsContexts(config.tls(), "shard ports") : null;
            for (ShardRuntime s : shards) {
                final VirtualMaster master = new VirtualMaster(s, config.replicaStallTimeout().toMillis(),
                    new DropPolicy("shard " + s.name(), config.replicaMaxFailures(), config.replicaFailureWindow().toMillis(), config.replicaDropTime().toMillis()),
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
            // closed from here on, started or not: a runner holds its delivery and its key index's mapped files
            started.push(() -> SinkRunner.closeAll(sinks)); // in parallel: one join bound for all of them
            // the transforms' open() is user code: run here, where the router is wired, not by reading the config
            this.upstream = new UpstreamLink(config, Plugins.openValueRules(config), journal, shards, snapshots, policy,
                this::recordReceivers, errors);
            for (ShardRuntime s : shards) {
                s.onJournalDamage(reason -> upstream.requestFullResync("shard " + s.name() + ": its journal cannot be read ("
                    + reason + "): a new snapshot replaces what is damaged"));
            }
            if (!waiting.isEmpty() && opened.upstreamOffset() >= 0) {
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

    /** Shard {@code index}'s replicas past their handshake, and where each is. */
    @Override
    public List<ReplicaStatus> replicas(int index) {
        return masters.get(index).replicas();
    }

    @Override
    public Followers followers() {
        return followers;
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
            for (ReplicaStatus r : masters.get(i).replicas()) {
                // an ACK past the journal's end (a confused replica) must not fail the checkpoint, and the link with it
                if (r.ackedOffset() >= 0 && r.ackedOffset() <= shard.journal().endOffset()) {
                    cp.receiver(shard.name(), r.name(), r.ackedOffset(), false);
                    live.add(r.name());
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
