package io.redisreplica.router.admin;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.redisreplica.router.downstream.Followers;
import io.redisreplica.router.downstream.VirtualMaster;
import io.redisreplica.router.routing.CommandRouter;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.sinks.SinkRunner;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.server.LagStats;
import io.redisreplica.server.ReplicaStatus;

/**
 * What the admin port reports, read once per request from the running router ({@link #of}):
 * both reports ({@link InfoReport}, {@link RouterMetrics}) format this one record, so INFO
 * and /metrics agree within a request (a lag is computed from the same journal end it is shown
 * with) and the formats are tested from fixed values. States are in lower case, as shown.
 *
 * @param admin the admin port's counters, null when none is configured
 */
record RouterStatus(long uptimeMillis, long journalsSetAside, long journalTailsCut, long retentionDeleted, long retentionErrors, Admin admin,
                    Upstream upstream, Routing routing, List<Shard> shards, List<Sink> sinks, Vitals vitals) {

    /**
     * What says whether the router is alive and keeping up, beyond its counters.
     *
     * @param lastUpstreamByteAgeMillis since the master's connection last gave bytes (since start before it ever did)
     * @param checkpointAgeMillis since the last checkpoint was written (since start before the first)
     * @param diskFreeBytes usable bytes on the journal's file system, -1 when it cannot be read
     */
    record Vitals(long lastUpstreamByteAgeMillis, long checkpointAgeMillis, long diskFreeBytes, long diskTotalBytes, long minFreeBytes) {
    }

    /**
     * Ready to serve: the upstream link streams and every shard's journal takes appends. Null
     * when ready, else why not (for {@code /ready}'s body).
     */
    String notReady() {
        final StringBuilder why = new StringBuilder();
        if (!"streaming".equals(upstream.state())) {
            why.append("upstream ").append(upstream.state()).append(upstream.lastError().isEmpty() ? "" : ": " + upstream.lastError())
                .append('\n');
        }
        for (Shard s : shards) {
            if (!s.journalWritable()) {
                why.append("shard ").append(s.name()).append(": journal not writable (").append(vitals.diskFreeBytes())
                    .append(" bytes free, journal-min-free ").append(vitals.minFreeBytes()).append(")\n");
            }
        }
        return why.length() == 0 ? null : why.toString();
    }

    record Admin(long clients, long refused, long acceptErrors) {
    }

    /**
     * @param master the node replicated from ({@code host:port}, "" before the first attempt)
     * @param sentinel the sentinels' state, null without {@code upstream-sentinel}
     */
    /**
     * @param checkpointFailures periodic checkpoints the journal refused (counted in {@code errors} too)
     * @param pretouchFailures shard rounds of the journal's pretoucher that failed (counted in {@code errors} too)
     * @param pretouchedPages journal pages touched ahead of the link's appends
     */
    record Upstream(String state, String replid, long offset, long fullSyncs, long partialSyncs, long syncBytes, long errors,
                    long checkpointFailures, long pretouchFailures, long pretouchedPages, String lastError, String master,
                    UpstreamLink.SentinelView sentinel) {
    }

    record Routing(long routed, long unclaimed, long filtered, long crossShard, long translated, long keysReadFromMaster,
                   long skippedAlreadyRead, long unknown) {
    }

    /**
     * @param snapshotWait why the shard waits for a full sync, null when it has its snapshot
     * @param journalBytes bytes of entries the journal retains
     * @param journalDiskBytes bytes its files take on disk (the precreated next one included), their data extents as {@code du} and {@code journal ls} count
     *     them (the files are sparse: their apparent size says little)
     * @param journalWritable its directory and the journal's (checkpoint, snapshots) take writes, and the disk has more
     *     than {@code journal-min-free}
     */
    record Shard(String name, int port, String keys, String replid, long epoch, long snapshotOffset, String snapshotWait,
                 long journalFirst, long journalEnd, long fullResyncs, long partialResyncs, long replicasDropped, long clients,
                 long clientsRefused, long acceptErrors, long authFailures, long handshakeFailures, List<Replica> replicas,
                 long journalBytes, long journalDiskBytes, boolean journalWritable, List<Follower> followers) {
        /**
         * The router's view of "in sync": the link streams and every receiver (one at least: the
         * replicas, and the followers that still hold retention) has the journal's end. The master
         * may be ahead by what is in flight to the router; {@code redis-replica status} also checks
         * the master's own offset.
         */
        boolean inSync(Upstream upstream) {
            if (!"streaming".equals(upstream.state())) {
                return false;
            }
            int receivers = 0;
            for (Replica r : replicas) {
                if (r.acked() < journalEnd) {
                    return false;
                }
                receivers++;
            }
            for (Follower f : followers) {
                if (f.holding() && !f.inSync(this)) {
                    return false;
                }
                receivers += f.holding() ? 1 : 0;
            }
            return receivers > 0;
        }
    }

    /**
     * A {@code replay --follow} as it last reported on the admin port.
     *
     * @param applied the shard offset its target has applied
     * @param lagEntries journal entries after {@code applied}
     * @param lagMillis age of the oldest journal data its target has not applied
     * @param holding heard from within {@code follower-hold-time}: it holds retention and counts for the shard's verdict
     */
    record Follower(String name, String addr, long applied, long lagEntries, double lagMillis, long sinceReportMillis, boolean holding) {
        long lagBytes(Shard shard) {
            return Math.max(0, shard.journalEnd() - applied);
        }

        /** Its target has applied the journal's end. */
        boolean inSync(Shard shard) {
            return applied >= shard.journalEnd();
        }
    }

    /**
     * @param addr the connection's address (changes with every connection)
     * @param identity the replica's IP and announced listening port: the same across reconnects (the metrics' label)
     * @param lagMillis the current lag, then its p50, p99 and maximum over the last minute, then how many ACKs were
     *     sampled since streaming started and the sum of their lags
     */
    record Replica(String addr, int listeningPort, String state, long sent, long acked, long lagEntries, long badAcks,
                   double lagMillis, double lagP50Millis, double lagP99Millis, double lagMaxMillis, String identity, long lagSamples,
                   double lagSumMillis) {
        /** Journal bytes not acknowledged, -1 before the first ACK. */
        long lagBytes(Shard shard) {
            return acked < 0 ? -1 : shard.journalEnd() - acked;
        }
    }

    /**
     * @param refused commands a Redis target refused, -1 for a sink that is not a Redis one
     * @param gaps times the sink went on past events it could not be given (a journal set aside, retention)
     * @param indexKeys keys in its key index ({@code kinds=}), -1 without one; {@code indexBytes} what it maps
     */
    record Sink(String name, String shard, String kind, String state, long delivered, long lagBytes, long events, int failures,
                long errors, long refused, long gaps, long indexKeys, long indexBytes, String lastError) {
    }

    /**
     * Reads the live router once. Its owners publish what is read here as volatile or atomic
     * values, except the routing counters: {@code CommandRouter} keeps them as plain fields of the
     * upstream link's thread (a fence per command on the hot path), so they may show a little
     * late, never torn on a 64-bit JVM.
     */
    static RouterStatus of(RouterView router) {
        final UpstreamLink up = router.upstream();
        final CommandRouter cr = up.router();
        final AdminServer server = router.adminServer();
        final Admin admin = server == null ? null
            : new Admin(server.connected(), server.refused(), server.acceptErrors());
        final Upstream upstream = new Upstream(lower(up.state()), up.replid(), up.offset(), up.fullSyncs(), up.partialSyncs(),
            up.syncBytes(), up.retriedFaults(), up.checkpointFailures(), up.pretouchFailures(), up.pretouchedPages(), up.lastError(), up.master(), up.sentinel());
        final Routing routing = new Routing(cr.routed(), cr.unclaimed(), cr.filtered(), cr.crossShard(), cr.translated(),
            cr.translatedKeys(), cr.readSkipped(), cr.unknown());
        final long[] disk = disk(router.journalDir());
        final boolean rootWritable = Files.isWritable(router.journalDir()); // the checkpoint and snapshots are written there
        final List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < router.shards().size(); i++) {
            final ShardRuntime s = router.shards().get(i);
            final List<Replica> replicas = new ArrayList<>();
            for (ReplicaStatus d : router.replicas(i)) {
                final LagStats w = d.lagStats();
                replicas.add(new Replica(d.address() + ":" + d.port(), d.listeningPort(), lower(d.state()), d.sentOffset(), d.ackedOffset(),
                    d.ackedOffset() < 0 ? -1 : s.commits().lagEntries(d.ackedOffset()), d.badAcks(), Math.max(0, d.lagMillis()),
                    w.p50Millis(), w.p99Millis(), w.maxMillis(), d.name(), w.count(), w.sumMillis()));
            }
            final List<Follower> followers = new ArrayList<>();
            for (Followers.Follower f : router.followers().of(s.name(), System.currentTimeMillis())) {
                followers.add(new Follower(f.name(), f.addr(), f.applied(), s.commits().lagEntries(f.applied()),
                    s.commits().lagMillis(f.applied(), System.nanoTime()), f.sinceReportMillis(),
                    f.holding()));
            }
            final VirtualMaster listener = router.listener(i);
            shards.add(new Shard(s.name(), s.shard().port(), s.shard().matcher().describe(), s.replid(), s.epoch(), s.snapshotOffset(),
                s.snapshotWait(), s.journal().firstOffset(), s.journal().endOffset(), s.fullResyncs(), s.partialResyncs(),
                router.drops(i), listener.connected(), listener.refused(), listener.acceptErrors(),
                listener.authFailures(), listener.protocolFailures(), replicas,
                Math.max(0, s.journal().endOffset() - s.journal().firstOffset()), s.journal().fileStats().bytes(),
                rootWritable && Files.isWritable(s.journal().dir()) && (disk[0] < 0 || disk[0] > router.journalMinFreeBytes()),
                followers));
        }
        final List<Sink> sinks = new ArrayList<>();
        for (SinkRunner r : router.sinks()) {
            final long delivered = r.delivered();
            sinks.add(new Sink(r.config().name(), r.shard().name(), lower(r.config().kind()), lower(r.state()), delivered,
                delivered < 0 ? -1 : r.shard().journal().endOffset() - delivered, r.events(), r.failures(), r.faults(), r.refused(),
                r.gaps(), r.indexKeys(), r.indexBytes(), r.lastError()));
        }
        final long now = System.currentTimeMillis();
        final long uptime = router.uptimeMillis();
        final long lastRead = up.lastReadMillis();
        final long lastCheckpoint = router.lastCheckpointMillis();
        final Vitals vitals = new Vitals(lastRead < 0 ? uptime : Math.max(0, now - lastRead),
            lastCheckpoint < 0 ? uptime : Math.max(0, now - lastCheckpoint), disk[0], disk[1], router.journalMinFreeBytes());
        return new RouterStatus(uptime, router.journalsSetAside(), router.journalTailsCut(), router.retentionDeleted(), router.retentionErrors(),
            admin, upstream, routing, shards, sinks, vitals);
    }

    /** {usable, total} bytes of the file system holding {@code dir}, {-1, -1} when it cannot be read. */
    private static long[] disk(Path dir) {
        try {
            final FileStore store = Files.getFileStore(dir);
            return new long[] {store.getUsableSpace(), store.getTotalSpace()};
        } catch (IOException e) {
            return new long[] {-1, -1};
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
