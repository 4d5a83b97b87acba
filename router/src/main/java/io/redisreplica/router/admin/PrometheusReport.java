package io.redisreplica.router.admin;

import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The router's status in the Prometheus text format (version 0.0.4), for {@code GET /metrics}:
 * each metric with its HELP and TYPE lines; per-shard, per-replica and per-sink metrics carry
 * labels, and a family with no member (no sinks) is left out.
 */
final class PrometheusReport {
    private PrometheusReport() {
    }

    static String of(RouterStatus status) {
        final StringBuilder sb = new StringBuilder();
        final RouterStatus.Upstream up = status.upstream();
        final RouterStatus.Routing r = status.routing();
        metric(sb, "redis_replica_upstream_offset", "gauge", "Master replication offset covered by the journal.", up.offset());
        metric(sb, "redis_replica_upstream_streaming", "gauge", "1 while the upstream link streams commands.",
            up.state().equals("streaming") ? 1 : 0);
        metric(sb, "redis_replica_upstream_full_syncs_total", "counter", "Full syncs from the master.", up.fullSyncs());
        metric(sb, "redis_replica_upstream_partial_syncs_total", "counter", "Partial resyncs from the master.", up.partialSyncs());
        metric(sb, "redis_replica_upstream_errors_total", "counter",
            "Faults of the upstream link retried (each distinct one logged once).", up.errors());
        metric(sb, "redis_replica_journals_set_aside_total", "counter",
            "Shard journals found damaged at start and set aside (the shard took a new snapshot).", status.journalsSetAside());
        metric(sb, "redis_replica_journal_tails_cut_total", "counter",
            "Shard journals found damaged at start past the last checkpoint and cut back to their last good entry.",
            status.journalTailsCut());
        metric(sb, "redis_replica_retention_files_deleted_total", "counter", "Journal files retention has deleted.",
            status.retentionDeleted());
        metric(sb, "redis_replica_retention_errors_total", "counter",
            "Retention passes that failed (each distinct error logged once; the next pass tries again).", status.retentionErrors());
        metric(sb, "redis_replica_commands_routed_total", "counter", "Commands journaled for a shard.", r.routed());
        metric(sb, "redis_replica_keys_unclaimed_total", "counter", "Keys no shard claims (dropped).", r.unclaimed());
        metric(sb, "redis_replica_keys_filtered_total", "counter", "Keys the value rules kept off the shards (sent as DEL).",
            r.filtered());
        metric(sb, "redis_replica_commands_cross_shard_total", "counter", "Commands whose keys span shards.", r.crossShard());
        metric(sb, "redis_replica_commands_translated_total", "counter",
            "Cross-shard commands given to each shard as its part of the master's result.", r.translated());
        metric(sb, "redis_replica_keys_read_from_master_total", "counter",
            "Destination keys read from the master on the side connection for translated commands.", r.keysReadFromMaster());
        metric(sb, "redis_replica_commands_skipped_already_read_total", "counter",
            "Commands (or their keys) not sent because a read of the master already held their effect.", r.skippedAlreadyRead());
        head(sb, "redis_replica_shard_journal_end_offset", "gauge", "Shard replication offset at the journal's end.");
        for (RouterStatus.Shard s : status.shards()) {
            sb.append("redis_replica_shard_journal_end_offset{shard=\"").append(s.name()).append("\"} ").append(s.journalEnd())
                .append('\n');
        }
        head(sb, "redis_replica_shard_in_sync", "gauge",
            "1 when the link streams and every replica of the shard acknowledged the journal's end, else 0.");
        for (RouterStatus.Shard s : status.shards()) {
            sb.append("redis_replica_shard_in_sync{shard=\"").append(s.name()).append("\"} ").append(s.inSync(status.upstream()) ? 1 : 0)
                .append('\n');
        }
        head(sb, "redis_replica_replica_lag_bytes", "gauge", "Journal bytes a replica has not acknowledged.");
        for (RouterStatus.Shard s : status.shards()) {
            for (RouterStatus.Replica d : s.replicas()) {
                sb.append("redis_replica_replica_lag_bytes{shard=\"").append(s.name()).append("\",replica=\"").append(d.addr())
                    .append("\"} ").append(d.lagBytes(s)).append('\n');
            }
        }
        head(sb, "redis_replica_replica_lag_seconds", "gauge", "Age of the oldest journal data a replica has not acknowledged.");
        for (RouterStatus.Shard s : status.shards()) {
            for (RouterStatus.Replica d : s.replicas()) {
                sb.append("redis_replica_replica_lag_seconds{shard=\"").append(s.name()).append("\",replica=\"").append(d.addr())
                    .append("\",state=\"").append(d.state()).append("\"} ")
                    .append(String.format(Locale.ROOT, "%.3f", d.lagMillis() / 1000)).append('\n');
            }
        }
        sinkMetric(sb, status, "redis_replica_sink_events_total", "counter", "Key events a sink has delivered.",
            RouterStatus.Sink::events);
        sinkMetric(sb, status, "redis_replica_sink_lag_bytes", "gauge", "Journal bytes a sink has not delivered (-1 before it starts).",
            RouterStatus.Sink::lagBytes);
        sinkMetric(sb, status, "redis_replica_sink_up", "gauge", "1 while a sink delivers, 0 while it is paused, dropped or starting.",
            s -> s.state().equals("running") ? 1 : 0);
        sinkMetric(sb, status, "redis_replica_sink_errors_total", "counter",
            "Failed deliveries of a sink, each retried (each distinct error logged once).", RouterStatus.Sink::errors);
        return sb.toString();
    }

    private static void sinkMetric(StringBuilder sb, RouterStatus status, String name, String type, String help,
                                   ToLongFunction<RouterStatus.Sink> value) {
        if (status.sinks().isEmpty()) {
            return;
        }
        head(sb, name, type, help);
        for (RouterStatus.Sink s : status.sinks()) {
            sb.append(name).append("{sink=\"").append(s.name()).append("\",shard=\"").append(s.shard())
                .append("\",state=\"").append(s.state()).append("\"} ").append(value.applyAsLong(s)).append('\n');
        }
    }

    private static void metric(StringBuilder sb, String name, String type, String help, long value) {
        head(sb, name, type, help);
        sb.append(name).append(' ').append(value).append('\n');
    }

    private static void head(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
