package io.redisreplica.router.sinks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.redisreplica.api.KeyEvent;
import io.redisreplica.router.config.SinkConfig;

/**
 * Delivers a shard's events to a Kafka topic exactly once: each batch is one transaction of a
 * transactional producer (transactional id {@code redis-replica-NAME-SHARD}) that holds a record
 * per event and the sink's checkpoint, a record of the shard offset the batch reaches in the
 * compacted {@link KafkaCheckpointTopic} ({@link SinkPosition}). The batch commits whole or not at all, and on every
 * (re)connect {@code initTransactions} fences the producer of an earlier run (a router that was
 * SIGKILLed) and aborts its open transaction before the checkpoint is read back with {@code
 * read_committed}: delivery goes on exactly where Kafka says it is.
 *
 * <p>A record's key ({@code key=}) is the Redis key (events of one key keep their order in one
 * partition), the shard name, or none. A FLUSH has no key: with {@code key=key} it goes to every
 * partition, so each key's consumer sees it in place. The value is the event as JSON (the same
 * object a publish sink sends); headers carry {@code shard}, {@code db} and {@code offset}.
 * Backpressure: a full producer buffer blocks {@code send} on this sink's thread only.
 */
public final class KafkaSinkDelivery implements SinkDelivery {
    private final SinkConfig config;
    private final String shard;
    private final String topic;
    private final String keyBy;
    private final byte[] shardBytes;
    private final String checkpointKey;
    private final Properties properties;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaCheckpointTopic checkpoints;

    public KafkaSinkDelivery(SinkConfig config, String shard) {
        this.config = config;
        this.shard = shard;
        this.topic = config.options().get("topic");
        this.keyBy = config.options().getOrDefault("key", "key");
        this.shardBytes = shard.getBytes(StandardCharsets.UTF_8);
        this.checkpointKey = config.name() + "/" + shard;
        this.properties = producerProperties(config, shard);
    }

    /** What every client of the sink takes: the brokers and the {@code kafka.} pass-through (SASL, TLS). */
    static Properties clientProperties(SinkConfig config) {
        final Properties p = new Properties();
        for (Map.Entry<String, String> o : config.options().entrySet()) {
            if (o.getKey().startsWith("kafka.")) {
                p.put(o.getKey().substring("kafka.".length()), o.getValue());
            }
        }
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.options().get("bootstrap"));
        return p;
    }

    /** The producer's settings: our defaults, the pass-through over them, then what exactly-once needs. */
    static Properties producerProperties(SinkConfig config, String shard) {
        final Properties p = new Properties();
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // a batch's first send often meets the broker still writing the last commit's markers
        // (CONCURRENT_TRANSACTIONS): the default 100 ms backoff would cost that much per transaction
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        p.putAll(clientProperties(config));
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "redis-replica-" + config.name() + "-" + shard);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.options().getOrDefault("compression", "none"));
        if (config.options().containsKey("partitioner")) {
            p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, config.options().get("partitioner"));
        }
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "redis-replica-sink-" + config.name() + "-" + shard);
        return p;
    }

    /**
     * Makes a new producer, fences every earlier one of this sink and shard (their open
     * transaction is aborted) and reads the committed checkpoint.
     */
    @Override
    public SinkPosition open() throws Exception {
        close();
        producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        if (checkpoints == null) {
            checkpoints = new KafkaCheckpointTopic(config.options().getOrDefault("checkpoint-topic", SinkConfig.KAFKA_CHECKPOINT_TOPIC),
                clientProperties(config));
        }
        return checkpoints.read(checkpointKey);
    }

    @Override
    public void deliver(List<KeyEvent> events, SinkPosition end) {
        producer.beginTransaction();
        for (KeyEvent e : events) {
            final byte[] value = RedisSinkDelivery.json(e).getBytes(StandardCharsets.UTF_8);
            final RecordHeaders headers = new RecordHeaders();
            headers.add("shard", shardBytes);
            headers.add("db", ascii(e.db()));
            headers.add("offset", ascii(e.offset()));
            if (e.key() == null && keyBy.equals("key")) {
                for (PartitionInfo p : producer.partitionsFor(topic)) {
                    producer.send(new ProducerRecord<>(topic, p.partition(), null, null, value, headers));
                }
                continue;
            }
            final byte[] key = switch (keyBy) {
                case "shard" -> shardBytes;
                case "none" -> null;
                default -> e.key();
            };
            producer.send(new ProducerRecord<>(topic, null, null, key, value, headers));
        }
        producer.send(checkpoints.record(checkpointKey, end));
        producer.commitTransaction(); // throws when any send of the batch failed: the batch is delivered again
    }

    private static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    /** Drops the producer at once: a new one fences it, so nothing it had in flight is waited for. */
    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }
}
