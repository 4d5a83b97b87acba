package io.redisreplica.router.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InfoReportTest {
    private static final String SERVER = "# Server\r\nredis_replica_version:0.1.0-SNAPSHOT\r\nuptime_in_seconds:61\r\nshards:2\r\n"
        + "journals_set_aside:1\r\njournal_tails_cut:0\r\nretention_files_deleted:12\r\nretention_errors:3\r\n"
        + "admin_clients:2\r\nadmin_clients_refused:1\r\nadmin_accept_errors:0\r\n\r\n";
    private static final String UPSTREAM = "# Upstream\r\nupstream_state:streaming\r\nupstream_replid:r1d\r\nupstream_offset:12345\r\n"
        + "upstream_full_syncs:1\r\nupstream_partial_syncs:2\r\nupstream_sync_bytes:4096\r\nupstream_errors:3\r\ncheckpoint_write_failures:1\r\npretouch_failures:0\r\npretouched_pages:64\r\n"
        + "upstream_last_error:java.io.IOException: reset  by peer\r\nupstream_master:10.0.0.2:6380\r\n"
        + "upstream_sentinel_master_name:mymaster\r\nupstream_sentinels:3\r\nupstream_sentinel_last_answer:10.0.0.9:26379\r\n"
        + "upstream_sentinel_watch:subscribed:10.0.0.9:26379\r\nupstream_sentinel_switches:1\r\n\r\n";
    private static final String ROUTING = "# Routing\r\ncommands_routed:100\r\nkeys_unclaimed:1\r\nkeys_filtered:2\r\n"
        + "commands_cross_shard:3\r\ncommands_translated:4\r\nkeys_read_from_master:5\r\ncommands_skipped_already_read:6\r\n"
        + "commands_unknown:7\r\n\r\n";
    private static final String SHARDS = "# Shards\r\n"
        + "shard_a:port=7001,keys=prefix=a:;b:,replid=aaaa,epoch=2,snapshot_offset=100,journal_first=50,journal_end=1000,replicas=1,followers=1,in_sync=0,"
        + "full_resyncs=4,partial_resyncs=5,replicas_dropped=6,clients=7,clients_refused=8,accept_errors=9,auth_failures=10,"
        + "handshake_failures=11\r\n"
        + "shard_a_replica0:addr=127.0.0.1:50001,listening_port=6380,state=streaming,sent=900,acked=800,lag_bytes=200,lag_entries=3,"
        + "bad_acks=1,lag_ms=12.3,lag_p50_ms=5,lag_p99_ms=40,lag_max_ms=90\r\n"
        + "shard_a_follower0:name=127.0.0.1:6390,addr=127.0.0.1:50003,applied=990,lag_bytes=10,lag_entries=2,lag_ms=7.5,"
        + "last_report_ms=400,holding=1,in_sync=0\r\n"
        + "shard_b:port=7002,keys=rest,replid=bbbb,epoch=1,snapshot_offset=-1,snapshot_waiting_for=full_sync(first_sync),"
        + "journal_first=0,journal_end=0,replicas=1,followers=0,in_sync=0,full_resyncs=0,partial_resyncs=0,replicas_dropped=0,clients=1,clients_refused=0,"
        + "accept_errors=0,auth_failures=0,handshake_failures=0\r\n"
        + "shard_b_replica0:addr=127.0.0.1:50002,listening_port=6381,state=wait_snapshot,waiting_for=snapshot(first_sync),sent=-1,"
        + "acked=-1,lag_bytes=-1,lag_entries=0,bad_acks=0,lag_ms=0.0,lag_p50_ms=0,lag_p99_ms=0,lag_max_ms=0\r\n\r\n";
    private static final String SINKS = "# Sinks\r\n"
        + "sink_events_a:state=paused,kind=xadd,delivered=700,lag_bytes=300,events=42,failures=2,errors=5,refused=1,gaps=1,"
        + "index_keys=1200,index_bytes=4096,"
        + "last_error=connection refused; again  and\r\n"
        + "sink_files_a:state=running,kind=class,delivered=-1,lag_bytes=-1,events=0,failures=0,errors=0,gaps=0,last_error=\r\n\r\n";

    @Test
    void shouldWriteEverySectionInOrderForAll() {
        assertEquals(SERVER + UPSTREAM + ROUTING + SHARDS + SINKS, InfoReport.of(FixedStatus.withSinks(true), "all"));
        assertEquals(SERVER + UPSTREAM + ROUTING + SHARDS + SINKS, InfoReport.of(FixedStatus.withSinks(true), "EVERYTHING"));
    }

    @Test
    void shouldWriteOneSectionByNameAndUpstreamWithShardsForReplication() {
        final RouterStatus status = FixedStatus.withSinks(true);
        assertEquals(SERVER, InfoReport.of(status, "Server"));
        assertEquals(ROUTING, InfoReport.of(status, "routing"));
        assertEquals(SINKS, InfoReport.of(status, "sinks"));
        assertEquals(UPSTREAM + SHARDS, InfoReport.of(status, "replication"));
    }

    @Test
    void shouldWriteNothingForAnUnknownSectionAsRedisDoes() {
        assertEquals("", InfoReport.of(FixedStatus.withSinks(true), "nosuchsection"));
    }

    @Test
    void shouldLeaveTheAdminLinesOutWithoutAnAdminPort() {
        final RouterStatus s = FixedStatus.withSinks(false);
        final RouterStatus noAdmin = new RouterStatus(s.uptimeMillis(), s.journalsSetAside(), s.journalTailsCut(), s.retentionDeleted(), s.retentionErrors(),
            null, s.upstream(), s.routing(), s.shards(), s.sinks(), s.vitals());
        assertEquals("# Server\r\nredis_replica_version:0.1.0-SNAPSHOT\r\nuptime_in_seconds:61\r\nshards:2\r\njournals_set_aside:1\r\njournal_tails_cut:0\r\n"
            + "retention_files_deleted:12\r\nretention_errors:3\r\n\r\n", InfoReport.of(noAdmin, "server"));
        assertEquals("# Sinks\r\n\r\n", InfoReport.of(noAdmin, "sinks"));
    }
}
