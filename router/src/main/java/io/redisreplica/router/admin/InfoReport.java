package io.redisreplica.router.admin;

import java.util.Locale;

import io.redisreplica.router.upstream.UpstreamLink;

/**
 * The router's status as the text of Redis {@code INFO [section]}: sections {@code server},
 * {@code upstream} ({@code replication} adds {@code shards}), {@code routing}, {@code shards},
 * {@code sinks}; {@code all}, {@code everything} and {@code default} give every one, an unknown
 * section nothing (as Redis does). Lines end with CRLF, a blank line after each section.
 */
final class InfoReport {
    private InfoReport() {
    }

    static String of(RouterStatus status, String section) {
        final String wanted = section.toLowerCase(Locale.ROOT);
        final boolean all = wanted.equals("all") || wanted.equals("everything") || wanted.equals("default");
        final StringBuilder sb = new StringBuilder();
        if (all || wanted.equals("server")) {
            server(sb, status);
        }
        if (all || wanted.equals("upstream") || wanted.equals("replication")) {
            upstream(sb, status.upstream());
        }
        if (all || wanted.equals("routing")) {
            routing(sb, status.routing());
        }
        if (all || wanted.equals("shards") || wanted.equals("replication")) {
            sb.append("# Shards\r\n");
            for (RouterStatus.Shard s : status.shards()) {
                shard(sb, s, status.upstream());
            }
            sb.append("\r\n");
        }
        if (all || wanted.equals("sinks")) {
            sb.append("# Sinks\r\n");
            for (RouterStatus.Sink s : status.sinks()) {
                sink(sb, s);
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    private static void server(StringBuilder sb, RouterStatus status) {
        sb.append("# Server\r\nredis_replica_version:").append(AdminEndpoints.version()).append("\r\nuptime_in_seconds:").append(status.uptimeMillis() / 1000)
            .append("\r\nshards:").append(status.shards().size())
            .append("\r\njournals_set_aside:").append(status.journalsSetAside())
            .append("\r\njournal_tails_cut:").append(status.journalTailsCut())
            .append("\r\nretention_files_deleted:").append(status.retentionDeleted())
            .append("\r\nretention_errors:").append(status.retentionErrors()).append("\r\n");
        final RouterStatus.Admin admin = status.admin();
        if (admin != null) {
            sb.append("admin_clients:").append(admin.clients()).append("\r\nadmin_clients_refused:").append(admin.refused())
                .append("\r\nadmin_accept_errors:").append(admin.acceptErrors()).append("\r\n");
        }
        sb.append("\r\n");
    }

    private static void upstream(StringBuilder sb, RouterStatus.Upstream up) {
        sb.append("# Upstream\r\nupstream_state:").append(up.state())
            .append("\r\nupstream_replid:").append(up.replid())
            .append("\r\nupstream_offset:").append(up.offset())
            .append("\r\nupstream_full_syncs:").append(up.fullSyncs())
            .append("\r\nupstream_partial_syncs:").append(up.partialSyncs())
            .append("\r\nupstream_sync_bytes:").append(up.syncBytes())
            .append("\r\nupstream_errors:").append(up.errors())
            .append("\r\ncheckpoint_write_failures:").append(up.checkpointFailures())
            .append("\r\npretouch_failures:").append(up.pretouchFailures())
            .append("\r\npretouched_pages:").append(up.pretouchedPages())
            .append("\r\nupstream_last_error:").append(up.lastError().replace("\r", " ").replace("\n", " "))
            .append("\r\nupstream_master:").append(up.master());
        final UpstreamLink.SentinelView s = up.sentinel();
        if (s != null) {
            sb.append("\r\nupstream_sentinel_master_name:").append(s.masterName())
                .append("\r\nupstream_sentinels:").append(s.sentinels())
                .append("\r\nupstream_sentinel_last_answer:").append(s.lastAnswer())
                .append("\r\nupstream_sentinel_watch:").append(s.watch())
                .append("\r\nupstream_sentinel_switches:").append(s.switches());
        }
        sb.append("\r\n\r\n");
    }

    private static void routing(StringBuilder sb, RouterStatus.Routing r) {
        sb.append("# Routing\r\ncommands_routed:").append(r.routed())
            .append("\r\nkeys_unclaimed:").append(r.unclaimed())
            .append("\r\nkeys_filtered:").append(r.filtered())
            .append("\r\ncommands_cross_shard:").append(r.crossShard())
            .append("\r\ncommands_translated:").append(r.translated())
            .append("\r\nkeys_read_from_master:").append(r.keysReadFromMaster())
            .append("\r\ncommands_skipped_already_read:").append(r.skippedAlreadyRead())
            .append("\r\ncommands_unknown:").append(r.unknown()).append("\r\n\r\n");
    }

    private static void shard(StringBuilder sb, RouterStatus.Shard s, RouterStatus.Upstream upstream) {
        sb.append("shard_").append(s.name()).append(":port=").append(s.port())
            .append(",keys=").append(s.keys().replace(",", ";"))
            .append(",replid=").append(s.replid()).append(",epoch=").append(s.epoch())
            .append(",snapshot_offset=").append(s.snapshotOffset())
            .append(s.snapshotWait() == null ? "" : ",snapshot_waiting_for=full_sync(" + s.snapshotWait() + ")")
            .append(",journal_first=").append(s.journalFirst())
            .append(",journal_end=").append(s.journalEnd())
            .append(",replicas=").append(s.replicas().size())
            .append(",followers=").append(s.followers().size())
            .append(",in_sync=").append(s.inSync(upstream) ? 1 : 0)
            .append(",full_resyncs=").append(s.fullResyncs())
            .append(",partial_resyncs=").append(s.partialResyncs())
            .append(",replicas_dropped=").append(s.replicasDropped())
            .append(",clients=").append(s.clients())
            .append(",clients_refused=").append(s.clientsRefused())
            .append(",accept_errors=").append(s.acceptErrors())
            .append(",auth_failures=").append(s.authFailures())
            .append(",handshake_failures=").append(s.handshakeFailures()).append("\r\n");
        int i = 0;
        for (RouterStatus.Replica d : s.replicas()) {
            sb.append("shard_").append(s.name()).append("_replica").append(i++).append(":addr=").append(d.addr())
                .append(",listening_port=").append(d.listeningPort())
                .append(",state=").append(d.state())
                .append(d.state().equals("wait_snapshot") && s.snapshotWait() != null ? ",waiting_for=snapshot(" + s.snapshotWait() + ")" : "")
                .append(",sent=").append(d.sent()).append(",acked=").append(d.acked())
                .append(",lag_bytes=").append(d.lagBytes(s))
                .append(",lag_entries=").append(d.lagEntries())
                .append(",bad_acks=").append(d.badAcks())
                .append(String.format(Locale.ROOT, ",lag_ms=%.1f,lag_p50_ms=%.0f,lag_p99_ms=%.0f,lag_max_ms=%.0f\r\n",
                    d.lagMillis(), d.lagP50Millis(), d.lagP99Millis(), d.lagMaxMillis()));
        }
        followers(sb, s);
    }

    /** One line per {@code replay --follow}: where its target is and whether it holds retention. */
    private static void followers(StringBuilder sb, RouterStatus.Shard s) {
        int i = 0;
        for (RouterStatus.Follower f : s.followers()) {
            sb.append("shard_").append(s.name()).append("_follower").append(i++).append(":name=").append(f.name().replace(',', ';'))
                .append(",addr=").append(f.addr())
                .append(",applied=").append(f.applied())
                .append(",lag_bytes=").append(f.lagBytes(s))
                .append(",lag_entries=").append(f.lagEntries())
                .append(String.format(Locale.ROOT, ",lag_ms=%.1f", f.lagMillis()))
                .append(",last_report_ms=").append(f.sinceReportMillis())
                .append(",holding=").append(f.holding() ? 1 : 0)
                .append(",in_sync=").append(f.inSync(s) ? 1 : 0).append("\r\n");
        }
    }

    private static void sink(StringBuilder sb, RouterStatus.Sink s) {
        sb.append("sink_").append(s.name()).append('_').append(s.shard()).append(":state=").append(s.state())
            .append(",kind=").append(s.kind())
            .append(",delivered=").append(s.delivered())
            .append(",lag_bytes=").append(s.lagBytes())
            .append(",events=").append(s.events())
            .append(",failures=").append(s.failures())
            .append(",errors=").append(s.errors())
            .append(s.refused() >= 0 ? ",refused=" + s.refused() : "")
            .append(",gaps=").append(s.gaps())
            .append(s.indexKeys() >= 0 ? ",index_keys=" + s.indexKeys() + ",index_bytes=" + s.indexBytes() : "")
            .append(",last_error=").append(s.lastError().replace(',', ';').replace('\r', ' ').replace('\n', ' ')).append("\r\n");
    }
}
