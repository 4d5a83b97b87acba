package io.redisreplica.router.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.redisreplica.testkit.PrometheusText;

class RouterMetricsTest {
    private static String text(RouterStatus status) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, RouterMetrics.families(status));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static double value(Map<String, PrometheusText.Family> families, String family, String sample, Map<String, String> labels) {
        return families.get(family).samples().stream().filter(s -> s.name().equals(sample) && s.labels().equals(labels)).findFirst()
            .orElseThrow(() -> new AssertionError(sample + labels + " not in " + families.get(family))).value();
    }

    @Test
    void shouldLabelReplicasByListeningAddressAndShowStatesAsStateSets() throws IOException {
        final Map<String, PrometheusText.Family> f = PrometheusText.parse(text(FixedStatus.withSinks(true)));
        final Map<String, String> a = Map.of("shard", "a", "replica", "127.0.0.1:6380");
        assertEquals(200, value(f, "redis_replica_replica_lag_bytes", "redis_replica_replica_lag_bytes", a));
        assertEquals(0.01234, value(f, "redis_replica_replica_lag_seconds", "redis_replica_replica_lag_seconds", a), 1e-9);
        assertEquals(1, value(f, "redis_replica_replica_state", "redis_replica_replica_state",
            Map.of("shard", "a", "replica", "127.0.0.1:6380", "redis_replica_replica_state", "streaming")));
        assertEquals(0, value(f, "redis_replica_replica_state", "redis_replica_replica_state",
            Map.of("shard", "a", "replica", "127.0.0.1:6380", "redis_replica_replica_state", "paused")));
        assertEquals(1, value(f, "redis_replica_sink_state", "redis_replica_sink_state",
            Map.of("sink", "events", "shard", "a", "redis_replica_sink_state", "paused")));
        // the window's quantiles in seconds, with count and sum since streaming started
        final Map<String, String> p99 = Map.of("shard", "a", "replica", "127.0.0.1:6380", "quantile", "0.99");
        assertEquals(0.04, value(f, "redis_replica_replica_ack_lag_seconds", "redis_replica_replica_ack_lag_seconds", p99), 1e-9);
        assertEquals(120, value(f, "redis_replica_replica_ack_lag_seconds", "redis_replica_replica_ack_lag_seconds_count", a));
        assertEquals(2.4, value(f, "redis_replica_replica_ack_lag_seconds", "redis_replica_replica_ack_lag_seconds_sum", a), 1e-9);
        assertEquals("summary", f.get("redis_replica_replica_ack_lag_seconds").type());
        for (PrometheusText.Family family : f.values()) {
            if ("counter".equals(family.type())) {
                assertTrue(family.name().endsWith("_total"), family.name());
                family.samples().forEach(s -> assertFalse(s.labels().containsKey("state"), "a state label on counter " + s));
            }
            assertTrue(family.help() != null && !family.help().isEmpty(), "HELP of " + family.name());
        }
    }

    @Test
    void shouldExportTheOperatorFamilies() throws IOException {
        final Map<String, PrometheusText.Family> f = PrometheusText.parse(text(FixedStatus.withSinks(true)));
        final Map<String, String> none = Map.of();
        assertEquals(7, value(f, "redis_replica_commands_unknown_total", "redis_replica_commands_unknown_total", none));
        assertEquals(1.5, value(f, "redis_replica_upstream_last_byte_age_seconds", "redis_replica_upstream_last_byte_age_seconds", none));
        assertEquals(0.2, value(f, "redis_replica_checkpoint_age_seconds", "redis_replica_checkpoint_age_seconds", none));
        assertEquals(10L << 30, value(f, "redis_replica_journal_disk_free_bytes", "redis_replica_journal_disk_free_bytes", none));
        assertEquals(4, value(f, "redis_replica_shard_full_resyncs_total", "redis_replica_shard_full_resyncs_total", Map.of("shard", "a")));
        assertEquals(6, value(f, "redis_replica_shard_replicas_dropped_total", "redis_replica_shard_replicas_dropped_total",
            Map.of("shard", "a")));
        assertEquals(4096, value(f, "redis_replica_shard_journal_bytes", "redis_replica_shard_journal_bytes", Map.of("shard", "a")));
        assertEquals(950, value(f, "redis_replica_shard_journal_entry_bytes", "redis_replica_shard_journal_entry_bytes", Map.of("shard", "a")));
        assertEquals(0, value(f, "redis_replica_shard_journal_writable", "redis_replica_shard_journal_writable", Map.of("shard", "b")));
        assertEquals(2, value(f, "redis_replica_sink_failures", "redis_replica_sink_failures", Map.of("sink", "events", "shard", "a")));
        // a class sink has no refused count: no series rather than -1
        assertEquals(List.of(Map.of("sink", "events", "shard", "a")),
            f.get("redis_replica_sink_refused_total").samples().stream().map(PrometheusText.Sample::labels).toList());
    }

    @Test
    void shouldLeaveTheSinkFamiliesOutWithoutSinks() throws IOException {
        final String text = text(FixedStatus.withSinks(false));
        PrometheusText.parse(text);
        assertFalse(text.contains("sink"), text);
    }

    @Test
    void shouldWriteOpenMetricsWithUnitsAndEof() throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpenMetricsTextFormatWriter.create().write(out, RouterMetrics.families(FixedStatus.withSinks(true)));
        final String om = out.toString(StandardCharsets.UTF_8);
        assertTrue(om.endsWith("# EOF\n"), om);
        assertTrue(om.contains("# TYPE redis_replica_commands_routed counter\n") && om.contains("redis_replica_commands_routed_total 100.0\n"), om);
        assertTrue(om.contains("# UNIT redis_replica_replica_lag_bytes bytes\n"), om);
    }

    @Test
    void shouldBeNotReadyUntilTheLinkStreamsAndEveryJournalTakesWrites() {
        final RouterStatus s = FixedStatus.withSinks(false);
        assertEquals("shard b: journal not writable (10737418240 bytes free, journal-min-free 268435456)\n", s.notReady());
    }
}
