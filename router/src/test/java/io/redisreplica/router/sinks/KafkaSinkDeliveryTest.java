package io.redisreplica.router.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.redisreplica.router.config.SinkConfig;

class KafkaSinkDeliveryTest {
    private static SinkConfig sink(Map<String, String> options) {
        return new SinkConfig("feed", SinkConfig.Kind.KAFKA, null, 0, List.of(), options, Set.of(), false, 100);
    }

    @Test
    void shouldPassKafkaPropertiesToEveryClientWithoutThePrefix() {
        final Map<String, String> options = new LinkedHashMap<>();
        options.put("bootstrap", "k1:9092,k2:9092");
        options.put("topic", "ev");
        options.put("kafka.security.protocol", "SASL_SSL");
        options.put("kafka.sasl.jaas.config", "x required password=\"s\";");
        options.put("shards", "a");
        final Properties client = KafkaSinkDelivery.clientProperties(sink(options));
        assertEquals(Map.of("bootstrap.servers", "k1:9092,k2:9092", "security.protocol", "SASL_SSL", "sasl.jaas.config",
            "x required password=\"s\";"), Map.copyOf(client));
    }

    @Test
    void shouldGiveEachShardItsOwnTransactionalProducerThatTheOptionsCannotLoosen() {
        final Map<String, String> options = new LinkedHashMap<>();
        options.put("bootstrap", "k:9092");
        options.put("topic", "ev");
        options.put("compression", "zstd");
        options.put("partitioner", "com.example.P");
        options.put("kafka.linger.ms", "50");
        final Properties p = KafkaSinkDelivery.producerProperties(sink(options), "s1");
        assertEquals("redis-replica-feed-s1", p.get("transactional.id"));
        assertEquals("true", p.get("enable.idempotence"));
        assertEquals("all", p.get("acks"));
        assertEquals("zstd", p.get("compression.type"));
        assertEquals("com.example.P", p.get("partitioner.class"));
        assertEquals("50", p.get("linger.ms"), "a kafka. property overrides the sink's default");
        assertEquals("10", p.get("retry.backoff.ms"));
    }
}
