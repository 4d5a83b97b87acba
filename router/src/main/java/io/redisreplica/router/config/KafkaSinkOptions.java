package io.redisreplica.router.config;

import java.util.Map;
import java.util.Set;

/**
 * The option words of a {@code sink NAME kafka} line and their checks: {@code bootstrap=HOST:PORT[,...]}
 * and {@code topic=T} are required; {@code key=key|shard|none} (what a record's key is, so what
 * keeps its order), {@code partitioner=CLASS}, {@code acks=all}, {@code compression=
 * none|gzip|snappy|lz4|zstd}, {@code format=json} and {@code checkpoint-topic=T} are optional;
 * {@code kafka.PROPERTY=VALUE} goes to the producer as it is (SASL, TLS, timeouts), save the
 * properties exactly-once rests on.
 */
final class KafkaSinkOptions {
    static final String WORDS = "bootstrap= topic= key= partitioner= acks= compression= format= checkpoint-topic= "
        + "shards= values= batch= kinds= kafka.PROPERTY=";
    private static final Set<String> KEYS = Set.of("key", "shard", "none");
    private static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");
    /** Set by the sink itself: a transactional producer of bytes, one transactional id per sink and shard. */
    private static final Set<String> RESERVED = Set.of("kafka.transactional.id", "kafka.enable.idempotence", "kafka.acks",
        "kafka.key.serializer", "kafka.value.serializer", "kafka.bootstrap.servers");

    private KafkaSinkOptions() {
    }

    static boolean takes(String key) {
        return SinkConfig.COMMON_OPTIONS.contains(key) || SinkConfig.KAFKA_OPTIONS.contains(key)
            || (key.startsWith("kafka.") && key.length() > "kafka.".length());
    }

    /** @param where the line and sink, for messages */
    static void check(Map<String, String> options, String where) {
        for (String required : new String[] {"bootstrap", "topic"}) {
            if (options.getOrDefault(required, "").isEmpty()) {
                throw new ConfigException(where + "kafka needs " + required + "=");
            }
        }
        final String key = options.getOrDefault("key", "key");
        if (!KEYS.contains(key)) {
            throw new ConfigException(where + "key=" + key + " is not key, shard or none");
        }
        final String acks = options.getOrDefault("acks", "all");
        if (!acks.equals("all") && !acks.equals("-1")) {
            throw new ConfigException(where + "acks=" + acks + ": exactly-once delivery is a transaction, which needs acks=all");
        }
        final String compression = options.getOrDefault("compression", "none");
        if (!COMPRESSIONS.contains(compression)) {
            throw new ConfigException(where + "compression=" + compression + " is not none, gzip, snappy, lz4 or zstd");
        }
        final String format = options.getOrDefault("format", "json");
        if (!format.equals("json")) {
            throw new ConfigException(where + "format=" + format + " is not json");
        }
        for (String word : options.keySet()) {
            if (RESERVED.contains(word)) {
                throw new ConfigException(where + word + " is set by the sink (a transactional producer per shard)");
            }
        }
    }
}
