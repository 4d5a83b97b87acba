package io.redisreplica.router.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class PrometheusReportTest {
    private static final String ROUTER = """
        # HELP redis_replica_upstream_offset Master replication offset covered by the journal.
        # TYPE redis_replica_upstream_offset gauge
        redis_replica_upstream_offset 12345
        # HELP redis_replica_upstream_streaming 1 while the upstream link streams commands.
        # TYPE redis_replica_upstream_streaming gauge
        redis_replica_upstream_streaming 1
        # HELP redis_replica_upstream_full_syncs_total Full syncs from the master.
        # TYPE redis_replica_upstream_full_syncs_total counter
        redis_replica_upstream_full_syncs_total 1
        # HELP redis_replica_upstream_partial_syncs_total Partial resyncs from the master.
        # TYPE redis_replica_upstream_partial_syncs_total counter
        redis_replica_upstream_partial_syncs_total 2
        # HELP redis_replica_upstream_errors_total Faults of the upstream link retried (each distinct one logged once).
        # TYPE redis_replica_upstream_errors_total counter
        redis_replica_upstream_errors_total 3
        # HELP redis_replica_journals_set_aside_total Shard journals found damaged at start and set aside (the shard took a new snapshot).
        # TYPE redis_replica_journals_set_aside_total counter
        redis_replica_journals_set_aside_total 1
        # HELP redis_replica_journal_tails_cut_total Shard journals found damaged at start past the last checkpoint and cut back to their last good entry.
        # TYPE redis_replica_journal_tails_cut_total counter
        redis_replica_journal_tails_cut_total 0
        # HELP redis_replica_retention_files_deleted_total Journal files retention has deleted.
        # TYPE redis_replica_retention_files_deleted_total counter
        redis_replica_retention_files_deleted_total 12
        # HELP redis_replica_retention_errors_total Retention passes that failed (each distinct error logged once; the next pass tries again).
        # TYPE redis_replica_retention_errors_total counter
        redis_replica_retention_errors_total 3
        # HELP redis_replica_commands_routed_total Commands journaled for a shard.
        # TYPE redis_replica_commands_routed_total counter
        redis_replica_commands_routed_total 100
        # HELP redis_replica_keys_unclaimed_total Keys no shard claims (dropped).
        # TYPE redis_replica_keys_unclaimed_total counter
        redis_replica_keys_unclaimed_total 1
        # HELP redis_replica_keys_filtered_total Keys the value rules kept off the shards (sent as DEL).
        # TYPE redis_replica_keys_filtered_total counter
        redis_replica_keys_filtered_total 2
        # HELP redis_replica_commands_cross_shard_total Commands whose keys span shards.
        # TYPE redis_replica_commands_cross_shard_total counter
        redis_replica_commands_cross_shard_total 3
        # HELP redis_replica_commands_translated_total Cross-shard commands given to each shard as its part of the master's result.
        # TYPE redis_replica_commands_translated_total counter
        redis_replica_commands_translated_total 4
        # HELP redis_replica_keys_read_from_master_total Destination keys read from the master on the side connection for translated commands.
        # TYPE redis_replica_keys_read_from_master_total counter
        redis_replica_keys_read_from_master_total 5
        # HELP redis_replica_commands_skipped_already_read_total Commands (or their keys) not sent because a read of the master already held their effect.
        # TYPE redis_replica_commands_skipped_already_read_total counter
        redis_replica_commands_skipped_already_read_total 6
        # HELP redis_replica_shard_journal_end_offset Shard replication offset at the journal's end.
        # TYPE redis_replica_shard_journal_end_offset gauge
        redis_replica_shard_journal_end_offset{shard="a"} 1000
        redis_replica_shard_journal_end_offset{shard="b"} 0
        # HELP redis_replica_shard_in_sync 1 when the link streams and every replica of the shard acknowledged the journal's end, else 0.
        # TYPE redis_replica_shard_in_sync gauge
        redis_replica_shard_in_sync{shard="a"} 0
        redis_replica_shard_in_sync{shard="b"} 0
        # HELP redis_replica_replica_lag_bytes Journal bytes a replica has not acknowledged.
        # TYPE redis_replica_replica_lag_bytes gauge
        redis_replica_replica_lag_bytes{shard="a",replica="127.0.0.1:50001"} 200
        redis_replica_replica_lag_bytes{shard="b",replica="127.0.0.1:50002"} -1
        # HELP redis_replica_replica_lag_seconds Age of the oldest journal data a replica has not acknowledged.
        # TYPE redis_replica_replica_lag_seconds gauge
        redis_replica_replica_lag_seconds{shard="a",replica="127.0.0.1:50001",state="streaming"} 0.012
        redis_replica_replica_lag_seconds{shard="b",replica="127.0.0.1:50002",state="handshake"} 0.000
        """;
    private static final String SINKS = """
        # HELP redis_replica_sink_events_total Key events a sink has delivered.
        # TYPE redis_replica_sink_events_total counter
        redis_replica_sink_events_total{sink="events",shard="a",state="paused"} 42
        redis_replica_sink_events_total{sink="files",shard="a",state="running"} 0
        # HELP redis_replica_sink_lag_bytes Journal bytes a sink has not delivered (-1 before it starts).
        # TYPE redis_replica_sink_lag_bytes gauge
        redis_replica_sink_lag_bytes{sink="events",shard="a",state="paused"} 300
        redis_replica_sink_lag_bytes{sink="files",shard="a",state="running"} -1
        # HELP redis_replica_sink_up 1 while a sink delivers, 0 while it is paused, dropped or starting.
        # TYPE redis_replica_sink_up gauge
        redis_replica_sink_up{sink="events",shard="a",state="paused"} 0
        redis_replica_sink_up{sink="files",shard="a",state="running"} 1
        # HELP redis_replica_sink_errors_total Failed deliveries of a sink, each retried (each distinct error logged once).
        # TYPE redis_replica_sink_errors_total counter
        redis_replica_sink_errors_total{sink="events",shard="a",state="paused"} 5
        redis_replica_sink_errors_total{sink="files",shard="a",state="running"} 0
        """;

    @Test
    void shouldWriteEveryMetricWithHelpTypeAndLabels() {
        assertEquals(ROUTER + SINKS, PrometheusReport.of(FixedStatus.withSinks(true)));
    }

    @Test
    void shouldLeaveTheSinkFamiliesOutWithoutSinks() {
        final String text = PrometheusReport.of(FixedStatus.withSinks(false));
        assertEquals(ROUTER, text);
        assertFalse(text.contains("sink"));
    }
}
