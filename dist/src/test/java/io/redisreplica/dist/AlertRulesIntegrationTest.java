package io.redisreplica.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules, checked and unit-tested by promtool (Debian's prometheus package;
 * scripts/ensure-promtool.sh installs it): each alert fires on the series that should raise it,
 * after its 'for', with its labels and annotations, and stays quiet on healthy ones.
 */
class AlertRulesIntegrationTest {
    private static final Path TESTS = Path.of("src", "test", "promtool");

    @Test
    void shouldPassPromtoolCheckRules() throws Exception {
        final ReleaseArchiveIntegrationTest.Result r = ReleaseArchiveIntegrationTest.run(TESTS, "promtool", "check", "rules",
            "../../prometheus/redis-replica-alerts.yml");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("SUCCESS: 13 rules found"), r.output());
    }

    @Test
    void shouldFireEachAlertOnlyWhereItsUnitTestSays() throws Exception {
        final ReleaseArchiveIntegrationTest.Result r = ReleaseArchiveIntegrationTest.run(TESTS, "promtool", "test", "rules", "alerts-test.yml");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("SUCCESS"), r.output());
    }
}
