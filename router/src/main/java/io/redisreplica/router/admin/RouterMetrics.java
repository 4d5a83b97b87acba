package io.redisreplica.router.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.redisreplica.router.sinks.SinkRunner;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.server.ReplicaStatus;

/**
 * The router's own metric families, read from one {@link RouterStatus} per scrape (so a lag is
 * computed from the same journal end it is shown with): registered with the Prometheus client's
 * registry beside the JVM and process metrics ({@link AdminMetrics}); {@link #families} formats
 * a fixed status for the tests.
 *
 * <p>Labels are stable across reconnects and state changes: {@code shard}; {@code replica} is the
 * replica's IP and the port it announced with {@code REPLCONF listening-port} (not the socket's
 * ephemeral port); {@code sink} with {@code shard}. States are state sets (one 0/1 series per
 * possible state), never a label of a counter, so no series restarts when a state changes.
 */
final class RouterMetrics implements MultiCollector {
    /** The quantiles of a replica's ACK lag over the last minute: 1 is the window's maximum. */
    static final double[] LAG_QUANTILES = {0.5, 0.99, 1.0};

    private final RouterView router;

    RouterMetrics(RouterView router) {
        this.router = router;
    }

    @Override
    public MetricSnapshots collect() {
        return families(RouterStatus.of(router));
    }

    static MetricSnapshots families(RouterStatus status) {
        final MetricFamilies f = new MetricFamilies();
        final RouterStatus.Upstream up = status.upstream();
        final RouterStatus.Routing r = status.routing();
        final RouterStatus.Vitals v = status.vitals();
        f.gauge("redis_replica_upstream_offset", null, "Master replication offset covered by the journal.", up.offset());
        f.gauge("redis_replica_upstream_streaming", null, "1 while the upstream link streams commands.",
            up.state().equals("streaming") ? 1 : 0);
        f.states("redis_replica_upstream_state", "The upstream link's state.", List.of(up), u -> MetricFamilies.NONE,
            names(UpstreamLink.State.values()), RouterStatus.Upstream::state);
        f.counter("redis_replica_upstream_full_syncs", "Full syncs from the master.", up.fullSyncs());
        f.counter("redis_replica_upstream_partial_syncs", "Partial resyncs from the master.", up.partialSyncs());
        f.counter("redis_replica_upstream_errors", "Faults of the upstream link retried (each distinct one logged once).", up.errors());
        f.counter("redis_replica_checkpoint_write_failures",
            "Periodic journal checkpoints that failed to be written (each retried by the next; counted in upstream_errors too).",
            up.checkpointFailures());
        f.counter("redis_replica_pretouch_failures",
            "Shard rounds of the journal's pretoucher that failed (appends go on untouched ahead; counted in upstream_errors too).",
            up.pretouchFailures());
        f.counter("redis_replica_pretouched_pages", "Journal pages touched ahead of the upstream link's appends.",
            up.pretouchedPages());
        f.gauge("redis_replica_upstream_last_byte_age_seconds", Unit.SECONDS,
            "Since the master's connection last gave bytes (the master PINGs every 10 s by default); since start before any.",
            v.lastUpstreamByteAgeMillis() / 1000.0);
        f.gauge("redis_replica_checkpoint_age_seconds", Unit.SECONDS,
            "Since the journal's checkpoint was last written (every 200 ms while streaming); since start before the first.",
            v.checkpointAgeMillis() / 1000.0);
        f.gauge("redis_replica_journal_disk_free_bytes", Unit.BYTES, "Usable bytes on the journal's file system (-1: unreadable).",
            v.diskFreeBytes());
        f.gauge("redis_replica_journal_disk_size_bytes", Unit.BYTES, "Size of the journal's file system (-1: unreadable).",
            v.diskTotalBytes());
        f.gauge("redis_replica_journal_min_free_bytes", Unit.BYTES, "journal-min-free: appends stop with an error below this.",
            v.minFreeBytes());
        f.counter("redis_replica_journals_set_aside",
            "Shard journals found damaged at start and set aside (the shard took a new snapshot).", status.journalsSetAside());
        f.counter("redis_replica_journal_tails_cut",
            "Shard journals found damaged at start past the last checkpoint and cut back to their last good entry.",
            status.journalTailsCut());
        f.counter("redis_replica_retention_files_deleted", "Journal files retention has deleted.", status.retentionDeleted());
        f.counter("redis_replica_retention_errors",
            "Retention passes that failed (each distinct error logged once; the next pass tries again).", status.retentionErrors());
        f.counter("redis_replica_commands_routed", "Commands journaled for a shard.", r.routed());
        f.counter("redis_replica_commands_unknown",
            "Commands the router does not know (routed by their first argument as key; without one, or keyless, not forwarded).", r.unknown());
        f.counter("redis_replica_keys_unclaimed", "Keys no shard claims (dropped).", r.unclaimed());
        f.counter("redis_replica_keys_filtered", "Keys the value rules kept off the shards (sent as DEL).", r.filtered());
        f.counter("redis_replica_commands_cross_shard", "Commands whose keys span shards.", r.crossShard());
        f.counter("redis_replica_commands_translated", "Cross-shard commands given to each shard as its part of the master's result.",
            r.translated());
        f.counter("redis_replica_keys_read_from_master",
            "Destination keys read from the master on the side connection for translated commands.", r.keysReadFromMaster());
        f.counter("redis_replica_commands_skipped_already_read",
            "Commands (or their keys) not sent because a read of the master already held their effect.", r.skippedAlreadyRead());
        if (status.admin() != null) {
            f.gauge("redis_replica_admin_clients", null, "Connections on the admin port.", status.admin().clients());
            f.counter("redis_replica_admin_clients_refused", "Admin connections refused at maxclients.", status.admin().refused());
        }
        shards(f, status);
        sinks(f, status.sinks());
        return f.build();
    }

    private static void shards(MetricFamilies f, RouterStatus status) {
        final List<RouterStatus.Shard> shards = status.shards();
        f.gauge("redis_replica_shard_journal_end_offset", null, "Shard replication offset at the journal's end.", shards, RouterMetrics::shard,
            RouterStatus.Shard::journalEnd);
        // on disk as du counts it (what fills the disk, what journal ls shows); the entries apart: the files are sparse
        // cycle files of a fixed apparent size, filled a page at a time
        f.gauge("redis_replica_shard_journal_bytes", Unit.BYTES,
            "Bytes the shard's journal files take on disk (their data extents, as du counts them: the files are sparse), "
                + "the next cycle's precreated file included.", shards,
            RouterMetrics::shard, RouterStatus.Shard::journalDiskBytes);
        f.gauge("redis_replica_shard_journal_entry_bytes", Unit.BYTES,
            "Bytes of replication stream the shard's journal retains (its entries, offsets first to end).", shards,
            RouterMetrics::shard, RouterStatus.Shard::journalBytes);
        f.gauge("redis_replica_shard_journal_writable", null,
            "1 when the shard's journal directory takes writes and the disk has more than journal-min-free.", shards, RouterMetrics::shard,
            s -> s.journalWritable() ? 1 : 0);
        f.gauge("redis_replica_shard_in_sync", null,
            "1 when the link streams and every replica of the shard acknowledged the journal's end, else 0.", shards, RouterMetrics::shard,
            s -> s.inSync(status.upstream()) ? 1 : 0);
        f.gauge("redis_replica_shard_snapshot_waiting", null, "1 while the shard waits for a full sync of the master for its snapshot.",
            shards, RouterMetrics::shard, s -> s.snapshotWait() == null ? 0 : 1);
        f.gauge("redis_replica_shard_replicas", null, "Replicas connected to the shard's virtual master.", shards, RouterMetrics::shard,
            s -> s.replicas().size());
        f.counter("redis_replica_shard_full_resyncs", "Full resyncs the shard gave its replicas.", shards, RouterMetrics::shard,
            RouterStatus.Shard::fullResyncs);
        f.counter("redis_replica_shard_partial_resyncs", "Partial resyncs (+CONTINUE) the shard gave its replicas.", shards,
            RouterMetrics::shard, RouterStatus.Shard::partialResyncs);
        f.counter("redis_replica_shard_replicas_dropped", "Replicas the shard dropped by its failure policy.", shards,
            RouterMetrics::shard, RouterStatus.Shard::replicasDropped);
        f.counter("redis_replica_shard_clients_refused", "Connections the shard's port refused at maxclients.", shards,
            RouterMetrics::shard, RouterStatus.Shard::clientsRefused);
        f.counter("redis_replica_shard_auth_failures", "Wrong AUTH attempts on the shard's port.", shards, RouterMetrics::shard,
            RouterStatus.Shard::authFailures);
        f.counter("redis_replica_shard_handshake_failures", "Connections closed for garbage or a timeout before SYNC/PSYNC.", shards,
            RouterMetrics::shard, RouterStatus.Shard::handshakeFailures);
        final List<ReplicaRow> replicas = replicas(shards);
        f.states("redis_replica_replica_state",
            "A replica's state (loading: it has its full resync's snapshot and has not acknowledged yet; paused: it stopped acknowledging while behind).",
            replicas,
            ReplicaRow::labels, names(ReplicaStatus.State.values()), row -> row.replica().state());
        f.gauge("redis_replica_replica_lag_bytes", Unit.BYTES, "Journal bytes a replica has not acknowledged (-1 before its first ACK).",
            replicas, ReplicaRow::labels, row -> row.replica().lagBytes(row.shard()));
        f.gauge("redis_replica_replica_lag_seconds", Unit.SECONDS, "Age of the oldest journal data a replica has not acknowledged.",
            replicas, ReplicaRow::labels, row -> row.replica().lagMillis() / 1000);
        f.summary("redis_replica_replica_ack_lag_seconds",
            "A replica's lag sampled at each of its ACKs: quantiles over the last minute (1: its maximum).", replicas,
            ReplicaRow::labels, row -> new double[] {row.replica().lagP50Millis(), row.replica().lagP99Millis(), row.replica().lagMaxMillis()},
            LAG_QUANTILES, row -> row.replica().lagSamples(), row -> row.replica().lagSumMillis());
        f.counter("redis_replica_replica_bad_acks", "ACKs ignored: negative or beyond the shard's journal.", replicas, ReplicaRow::labels,
            row -> row.replica().badAcks());
        followers(f, shards);
    }

    /** The {@code replay --follow} receivers, labelled by the name each reports with. */
    private static void followers(MetricFamilies f, List<RouterStatus.Shard> shards) {
        final List<FollowerRow> rows = new ArrayList<>();
        shards.forEach(s -> s.followers().forEach(d -> rows.add(new FollowerRow(s, d))));
        f.gauge("redis_replica_follower_lag_bytes", Unit.BYTES, "Journal bytes a follower's target has not applied.", rows,
            FollowerRow::labels, row -> row.follower().lagBytes(row.shard()));
        f.gauge("redis_replica_follower_lag_entries", null, "Journal entries a follower's target has not applied (-1: older than known).",
            rows, FollowerRow::labels, row -> row.follower().lagEntries());
        f.gauge("redis_replica_follower_in_sync", null, "1 when a follower's target has applied the shard's journal end.", rows,
            FollowerRow::labels, row -> row.follower().inSync(row.shard()) ? 1 : 0);
        f.gauge("redis_replica_follower_holding", null, "1 while a follower holds journal retention (heard from within follower-hold-time).",
            rows, FollowerRow::labels, row -> row.follower().holding() ? 1 : 0);
    }

    private record FollowerRow(RouterStatus.Shard shard, RouterStatus.Follower follower) {
        Labels labels() {
            return Labels.of("shard", shard.name(), "follower", follower.name());
        }
    }

    private static void sinks(MetricFamilies f, List<RouterStatus.Sink> sinks) {
        f.states("redis_replica_sink_state", "A sink's state (paused: retrying after a failure; dropped: until restart).", sinks,
            RouterMetrics::sink, names(SinkRunner.State.values()), RouterStatus.Sink::state);
        f.gauge("redis_replica_sink_up", null, "1 while a sink delivers, 0 while it is paused, dropped or starting.", sinks,
            RouterMetrics::sink, s -> s.state().equals("running") ? 1 : 0);
        f.counter("redis_replica_sink_events", "Key events a sink has delivered.", sinks, RouterMetrics::sink, RouterStatus.Sink::events);
        f.gauge("redis_replica_sink_lag_bytes", Unit.BYTES, "Journal bytes a sink has not delivered (-1 before it starts).", sinks,
            RouterMetrics::sink, RouterStatus.Sink::lagBytes);
        f.counter("redis_replica_sink_errors", "Failed deliveries of a sink, each retried (each distinct error logged once).", sinks,
            RouterMetrics::sink, RouterStatus.Sink::errors);
        f.gauge("redis_replica_sink_failures", null, "A sink's failures in a row (dropped at sink-max-failures).", sinks,
            RouterMetrics::sink, RouterStatus.Sink::failures);
        final List<RouterStatus.Sink> indexed = sinks.stream().filter(s -> s.indexKeys() >= 0).toList();
        f.gauge("redis_replica_sink_index_keys", null, "Keys in a sink's key index (kinds=), at its last recorded batch.", indexed,
            RouterMetrics::sink, RouterStatus.Sink::indexKeys);
        f.gauge("redis_replica_sink_index_bytes", Unit.BYTES, "Bytes a sink's key index maps (its tables' files).", indexed,
            RouterMetrics::sink, RouterStatus.Sink::indexBytes);
        f.counter("redis_replica_sink_gaps", "Times a sink went on past events it could not be given (its journal set aside or "
            + "passed by retention; each logged).", sinks, RouterMetrics::sink, RouterStatus.Sink::gaps);
        f.counter("redis_replica_sink_refused", "Commands a Redis sink's target refused inside a delivered batch (not retried).",
            sinks.stream().filter(s -> s.refused() >= 0).toList(), RouterMetrics::sink, RouterStatus.Sink::refused);
    }

    private record ReplicaRow(RouterStatus.Shard shard, RouterStatus.Replica replica) {
        Labels labels() {
            return Labels.of("shard", shard.name(), "replica", replica.identity());
        }
    }

    /**
     * One row per replica identity and shard: a second connection claiming the same identity (a
     * reconnect whose old session has not ended yet) would repeat a series, which the format
     * forbids; the live one is shown: streaming, else loading (a reconnect's new session loads its
     * snapshot while the old one lingers), else the first seen.
     */
    private static List<ReplicaRow> replicas(List<RouterStatus.Shard> shards) {
        final List<ReplicaRow> rows = new ArrayList<>();
        for (RouterStatus.Shard s : shards) {
            final Map<String, RouterStatus.Replica> byIdentity = new LinkedHashMap<>();
            for (RouterStatus.Replica d : s.replicas()) {
                byIdentity.merge(d.identity(), d, (a, b) -> liveness(b) > liveness(a) ? b : a);
            }
            byIdentity.values().forEach(d -> rows.add(new ReplicaRow(s, d)));
        }
        return rows;
    }

    private static int liveness(RouterStatus.Replica d) {
        return switch (d.state()) {
            case "streaming" -> 2;
            case "loading" -> 1;
            default -> 0;
        };
    }

    private static Labels shard(RouterStatus.Shard s) {
        return Labels.of("shard", s.name());
    }

    private static Labels sink(RouterStatus.Sink s) {
        return Labels.of("sink", s.name(), "shard", s.shard());
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
    }
}
