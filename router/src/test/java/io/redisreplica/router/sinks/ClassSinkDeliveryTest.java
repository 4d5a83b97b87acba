package io.redisreplica.router.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.TestJars;
import io.redisreplica.router.config.SinkConfig;

/** A user sink's position file, written after each delivered batch. */
class ClassSinkDeliveryTest {
    @TempDir
    Path dir;

    private static final String NOTHING_SINK = """
        package test.sinks;

        import java.util.*;
        import io.redisreplica.api.*;

        public class NothingSink implements EventSink {
            @Override
            public void open(String shard, Map<String, String> options) {
            }

            @Override
            public void deliver(List<KeyEvent> events) {
            }
        }
        """;

    @Test
    void shouldRecordADeliveredBatchEvenOnAThreadInterruptedToCloseTheRunner() throws Exception {
        final Path jar = TestJars.build(dir, "test.sinks.NothingSink", NOTHING_SINK, io.redisreplica.api.EventSink.class);
        final SinkConfig config = new SinkConfig("files", SinkConfig.Kind.CLASS, null, 0, List.of(),
            Map.of("class", "test.sinks.NothingSink", "jar", jar.toString()), Set.of(), false, 10);
        final ClassSinkDelivery delivery = new ClassSinkDelivery(config, "a", dir.resolve("sinks"));
        assertEquals(null, delivery.open());
        final SinkPosition delivered = new SinkPosition(4_000, null, -1, 0);
        Thread.currentThread().interrupt(); // as SinkRunner.wake() does while the batch was being delivered
        try {
            delivery.deliver(List.of(), delivered);
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt stays for the runner to see");
        }
        assertEquals(delivered.offset(), delivery.open().offset(), "the batch's position is recorded: a restart goes on after it");
        delivery.close();
    }
}
