package io.redisreplica.router;

import java.util.List;
import java.util.Locale;

/** The router's state as INFO text and as Prometheus metrics; both read the same live fields. */
final class AdminReport {
    private AdminReport() {
    }

    static String info(Router router, String section) {
        final String wanted = section.toLowerCase(Locale.ROOT);
        final boolean all = wanted.equals("all") || wanted.equals("everything") || wanted.equals("default");
        final StringBuilder sb = new StringBuilder();
        final UpstreamLink up = router.upstream();
        final CommandRouter cr = up.router();
        if (all || wanted.equals("server")) {
            sb.append("# Server\r\nredis_replica_version:0.1.0-SNAPSHOT\r\nuptime_in_seconds:").append(router.uptimeMillis() / 1000)
                .append("\r\nshards:").append(router.shards().size())
                .append("\r\njournals_set_aside:").append(router.journalsSetAside())
                .append("\r\njournal_tails_cut:").append(router.journalTailsCut()).append("\r\n");
            final AdminServer admin = router.adminServer();
            if (admin != null) {
                sb.append("admin_clients:").append(admin.limits().connected()).append("\r\nadmin_clients_refused:")
                    .append(admin.limits().refused()).append("\r\nadmin_accept_errors:").append(admin.acceptErrors()).append("\r\n");
            }
            sb.append("\r\n");
        }
        if (all || wanted.equals("upstream") || wanted.equals("replication")) {
            sb.append("# Upstream\r\nupstream_state:").append(up.state().name().toLowerCase(Locale.ROOT))
                .append("\r\nupstream_replid:").append(up.replid())
                .append("\r\nupstream_offset:").append(up.offset())
                .append("\r\nupstream_full_syncs:").append(up.fullSyncs())
                .append("\r\nupstream_partial_syncs:").append(up.partialSyncs())
                .append("\r\nupstream_sync_bytes:").append(up.syncBytes())
                .append("\r\nupstream_errors:").append(up.errors())
                .append("\r\nupstream_last_error:").append(up.lastError().replace("\r", " ").replace("\n", " "))
                .append("\r\n\r\n");
        }
        if (all || wanted.equals("routing")) {
            sb.append("# Routing\r\ncommands_routed:").append(cr.routed())
                .append("\r\nkeys_unclaimed:").append(cr.unclaimed())
                .append("\r\nkeys_filtered:").append(cr.filtered())
                .append("\r\ncommands_cross_shard:").append(cr.crossShard())
                .append("\r\ncommands_translated:").append(cr.translated())
                .append("\r\nkeys_read_from_master:").append(cr.translatedKeys())
                .append("\r\ncommands_skipped_already_read:").append(cr.readSkipped())
                .append("\r\ncommands_unknown:").append(cr.unknown()).append("\r\n\r\n");
        }
        if (all || wanted.equals("shards") || wanted.equals("replication")) {
            sb.append("# Shards\r\n");
            for (int i = 0; i < router.shards().size(); i++) {
                final ShardRuntime s = router.shards().get(i);
                final List<DownstreamSession> sessions = router.sessions(i);
                sb.append("shard_").append(s.name()).append(":port=").append(s.shard().port())
                    .append(",keys=").append(s.shard().matcher().describe().replace(",", ";"))
                    .append(",replid=").append(s.replid()).append(",epoch=").append(s.epoch())
                    .append(",snapshot_offset=").append(s.snapshotOffset())
                    .append(s.snapshotWait() == null ? "" : ",snapshot_waiting_for=full_sync(" + s.snapshotWait() + ")")
                    .append(",journal_first=").append(s.journal().firstOffset())
                    .append(",journal_end=").append(s.journal().endOffset())
                    .append(",replicas=").append(sessions.size())
                    .append(",full_resyncs=").append(s.fullResyncs())
                    .append(",partial_resyncs=").append(s.partialResyncs())
                    .append(",replicas_dropped=").append(router.drops(i));
                final VirtualMaster listener = router.listener(i);
                sb.append(",clients=").append(listener.limits().connected())
                    .append(",clients_refused=").append(listener.limits().refused())
                    .append(",accept_errors=").append(listener.acceptErrors())
                    .append(",auth_failures=").append(listener.guard().authFailures())
                    .append(",handshake_failures=").append(listener.guard().protocolFailures()).append("\r\n");
                int r = 0;
                for (DownstreamSession d : sessions) {
                    sb.append("shard_").append(s.name()).append("_replica").append(r++).append(":addr=").append(d.peer())
                        .append(",listening_port=").append(d.listeningPort())
                        .append(",state=").append(d.state().name().toLowerCase(Locale.ROOT))
                        .append(d.state() == DownstreamSession.State.HANDSHAKE && s.snapshotWait() != null
                            ? ",waiting_for=snapshot(" + s.snapshotWait() + ")" : "")
                        .append(",sent=").append(d.sentOffset()).append(",acked=").append(d.ackedOffset())
                        .append(",lag_bytes=").append(d.ackedOffset() < 0 ? -1 : s.journal().endOffset() - d.ackedOffset())
                        .append(",lag_entries=").append(d.lagEntries())
                        .append(",bad_acks=").append(d.badAcks());
                    final double[] p = d.lagPercentiles();
                    sb.append(String.format(Locale.ROOT, ",lag_ms=%.1f,lag_p50_ms=%.0f,lag_p99_ms=%.0f,lag_max_ms=%.0f\r\n",
                        d.lagMillis(), p[0], p[1], p[2]));
                }
            }
            sb.append("\r\n");
        }
        if (all || wanted.equals("sinks")) {
            sb.append("# Sinks\r\n");
            for (SinkRunner sink : router.sinks()) {
                sb.append("sink_").append(sink.config().name()).append('_').append(sink.shard().name()).append(':').append(sink.info())
                    .append("\r\n");
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    static String prometheus(Router router) {
        final StringBuilder sb = new StringBuilder();
        final UpstreamLink up = router.upstream();
        final CommandRouter cr = up.router();
        metric(sb, "redis_replica_upstream_offset", "gauge", "Master replication offset covered by the journal.", up.offset());
        metric(sb, "redis_replica_upstream_streaming", "gauge", "1 while the upstream link streams commands.",
            up.state() == UpstreamLink.State.STREAMING ? 1 : 0);
        metric(sb, "redis_replica_upstream_full_syncs_total", "counter", "Full syncs from the master.", up.fullSyncs());
        metric(sb, "redis_replica_upstream_partial_syncs_total", "counter", "Partial resyncs from the master.", up.partialSyncs());
        metric(sb, "redis_replica_upstream_errors_total", "counter",
            "Faults of the upstream link retried (each distinct one logged once).", up.errors());
        metric(sb, "redis_replica_journals_set_aside_total", "counter",
            "Shard journals found damaged at start and set aside (the shard took a new snapshot).", router.journalsSetAside());
        metric(sb, "redis_replica_journal_tails_cut_total", "counter",
            "Shard journals found damaged at start past the last checkpoint and cut back to their last good entry.",
            router.journalTailsCut());
        metric(sb, "redis_replica_commands_routed_total", "counter", "Commands journaled for a shard.", cr.routed());
        metric(sb, "redis_replica_keys_unclaimed_total", "counter", "Keys no shard claims (dropped).", cr.unclaimed());
        metric(sb, "redis_replica_keys_filtered_total", "counter", "Keys the value rules kept off the shards (sent as DEL).",
            cr.filtered());
        metric(sb, "redis_replica_commands_cross_shard_total", "counter", "Commands whose keys span shards.", cr.crossShard());
        metric(sb, "redis_replica_commands_translated_total", "counter",
            "Cross-shard commands given to each shard as its part of the master's result.", cr.translated());
        metric(sb, "redis_replica_keys_read_from_master_total", "counter",
            "Destination keys read from the master on the side connection for translated commands.", cr.translatedKeys());
        metric(sb, "redis_replica_commands_skipped_already_read_total", "counter",
            "Commands (or their keys) not sent because a read of the master already held their effect.", cr.readSkipped());
        sb.append("# HELP redis_replica_shard_journal_end_offset Shard replication offset at the journal's end.\n")
            .append("# TYPE redis_replica_shard_journal_end_offset gauge\n");
        for (ShardRuntime s : router.shards()) {
            sb.append("redis_replica_shard_journal_end_offset{shard=\"").append(s.name()).append("\"} ").append(s.journal().endOffset()).append('\n');
        }
        sb.append("# HELP redis_replica_replica_lag_bytes Journal bytes a replica has not acknowledged.\n")
            .append("# TYPE redis_replica_replica_lag_bytes gauge\n");
        for (int i = 0; i < router.shards().size(); i++) {
            final ShardRuntime s = router.shards().get(i);
            for (DownstreamSession d : router.sessions(i)) {
                sb.append("redis_replica_replica_lag_bytes{shard=\"").append(s.name()).append("\",replica=\"").append(d.peer())
                    .append("\"} ").append(d.ackedOffset() < 0 ? -1 : s.journal().endOffset() - d.ackedOffset()).append('\n');
            }
        }
        sb.append("# HELP redis_replica_replica_lag_seconds Age of the oldest journal data a replica has not acknowledged.\n")
            .append("# TYPE redis_replica_replica_lag_seconds gauge\n");
        for (int i = 0; i < router.shards().size(); i++) {
            final ShardRuntime s = router.shards().get(i);
            for (DownstreamSession d : router.sessions(i)) {
                sb.append("redis_replica_replica_lag_seconds{shard=\"").append(s.name()).append("\",replica=\"").append(d.peer())
                    .append("\",state=\"").append(d.state().name().toLowerCase(Locale.ROOT)).append("\"} ")
                    .append(String.format(Locale.ROOT, "%.3f", d.lagMillis() / 1000)).append('\n');
            }
        }
        sinkMetric(sb, router, "redis_replica_sink_events_total", "counter", "Key events a sink has delivered.", SinkRunner::events);
        sinkMetric(sb, router, "redis_replica_sink_lag_bytes", "gauge", "Journal bytes a sink has not delivered (-1 before it starts).",
            r -> r.delivered() < 0 ? -1 : r.shard().journal().endOffset() - r.delivered());
        sinkMetric(sb, router, "redis_replica_sink_up", "gauge", "1 while a sink delivers, 0 while it is paused, dropped or starting.",
            r -> r.state() == SinkRunner.State.RUNNING ? 1 : 0);
        return sb.toString();
    }

    private static void sinkMetric(StringBuilder sb, Router router, String name, String type, String help,
                                   java.util.function.ToLongFunction<SinkRunner> value) {
        if (router.sinks().isEmpty()) {
            return;
        }
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
        for (SinkRunner r : router.sinks()) {
            sb.append(name).append("{sink=\"").append(r.config().name()).append("\",shard=\"").append(r.shard().name())
                .append("\",state=\"").append(r.state().name().toLowerCase(Locale.ROOT)).append("\"} ").append(value.applyAsLong(r))
                .append('\n');
        }
    }

    private static void metric(StringBuilder sb, String name, String type, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ').append(type)
            .append('\n').append(name).append(' ').append(value).append('\n');
    }
}
