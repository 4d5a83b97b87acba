package io.redisreplica.router.sinks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The compacted topic that holds each kafka sink's delivered shard offset: one record per
 * transaction, key {@code NAME/SHARD}, value the {@link SinkPosition} in ASCII, written in the same transaction
 * as the batch's events, so it is committed exactly when they are. Created on first use (one
 * partition, {@code cleanup.policy=compact}, segments of 16 MB or 10 minutes so compaction keeps
 * it short; replicas as the broker's default).
 *
 * <p>Reading back: the high watermark of each partition is taken after the sink's producer has
 * fenced every earlier one, so every record of an earlier run lies below it, committed or
 * aborted; a {@code read_committed} consumer then reads to it, which waits while another sink's
 * open transaction holds the last stable offset back (at most its transaction timeout). The last
 * committed value of the key wins.
 */
final class KafkaCheckpointTopic {
    private static final long READ_TIMEOUT_MS = 150_000;

    private final String name;
    private final Properties client;

    KafkaCheckpointTopic(String name, Properties client) {
        this.name = name;
        this.client = client;
    }

    ProducerRecord<byte[], byte[]> record(String key, SinkPosition position) {
        return new ProducerRecord<>(name, key.getBytes(StandardCharsets.UTF_8), position.format().getBytes(StandardCharsets.US_ASCII));
    }

    /** The last committed position of {@code key}, or null when none was. */
    SinkPosition read(String key) throws Exception {
        final Map<TopicPartition, Long> ends = new HashMap<>();
        try (Admin admin = Admin.create(client)) {
            create(admin);
            final TopicDescription topic = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            topic.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest()));
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        }
        final Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
        SinkPosition position = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(new ArrayList<>(ends.keySet()));
            consumer.seekToBeginning(ends.keySet());
            final long deadline = System.currentTimeMillis() + READ_TIMEOUT_MS;
            while (!reached(consumer, ends)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("checkpoint topic " + name + ": not read to " + ends + " in " + READ_TIMEOUT_MS
                        + " ms (an open transaction holds it back?)");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && Arrays.equals(r.key(), wanted)) {
                        position = SinkPosition.parse(new String(r.value(), StandardCharsets.US_ASCII), "checkpoint topic " + name
                            + " key " + key);
                    }
                }
            }
        }
        return position;
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void create(Admin admin) throws Exception {
        final NewTopic topic = new NewTopic(name, Optional.of(1), Optional.empty()).configs(Map.of("cleanup.policy", "compact",
            "segment.bytes", Integer.toString(16 << 20), "segment.ms", "600000"));
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
