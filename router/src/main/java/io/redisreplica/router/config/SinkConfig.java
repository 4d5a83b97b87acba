package io.redisreplica.router.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code sink} line of the config: where a set of shards' key events go.
 *
 * @param kind xadd (a Redis stream), publish (a Redis channel), command (a command template run
 *     on a Redis), kafka (a Kafka topic), or class (user code, {@link io.redisreplica.api.EventSink})
 * @param host the Redis target of the first three kinds (a kafka sink names its brokers in {@code bootstrap=})
 * @param args the stream, the channel, or the command template's words
 * @param options the {@code key=value} words: shards, values, batch, kinds, user, password, maxlen, tls; for a
 *     kafka sink bootstrap, topic, key, partitioner, acks, compression, format, checkpoint-topic and
 *     {@code kafka.PROPERTY} (passed to the producer); for a class sink whatever it takes
 *     ({@code password-file=PATH} is read into {@code password})
 * @param shards the shards whose events it takes; empty for all
 */
public record SinkConfig(String name, Kind kind, String host, int port, List<String> args, Map<String, String> options,
                         Set<String> shards, boolean values, int batch) {
    /** Where the events go. */
    public enum Kind { XADD, PUBLISH, COMMAND, KAFKA, CLASS }

    /** Option words every sink takes; a Redis sink also takes user, password and (xadd) maxlen. */
    static final Set<String> COMMON_OPTIONS = Set.of("shards", "values", "batch", "kinds");
    static final Set<String> REDIS_OPTIONS = Set.of("user", "password", "password-file", "maxlen", "tls");
    /** Option words of a kafka sink, besides {@code kafka.PROPERTY=VALUE} for the producer. */
    static final Set<String> KAFKA_OPTIONS = Set.of("bootstrap", "topic", "key", "partitioner", "acks", "compression", "format",
        "checkpoint-topic");
    /** Where a kafka sink's checkpoints go unless {@code checkpoint-topic=} says otherwise. */
    public static final String KAFKA_CHECKPOINT_TOPIC = "redis-replica-sink-offsets";

    /** Whether a Redis sink connects with TLS ({@code tls=yes}: the config's {@code tls-*} files). */
    public boolean tls() {
        return "yes".equals(options.get("tls"));
    }

    /** The words {@code kinds=} takes, comma-separated. */
    static final String KIND_WORDS = "add, change, del, expire, rename, flush, load";

    /**
     * The event kinds this sink asks for ({@code kinds=add,change,...}; {@code rename} is
     * {@code rename_from} and {@code rename_to}); empty without {@code kinds=}: events without kinds,
     * and no key index.
     */
    public Set<io.redisreplica.api.KeyEvent.Kind> kinds() {
        return kinds(options.get("kinds"), "sink " + name + ": ");
    }

    static Set<io.redisreplica.api.KeyEvent.Kind> kinds(String value, String where) {
        if (value == null) {
            return Set.of();
        }
        final java.util.EnumSet<io.redisreplica.api.KeyEvent.Kind> kinds = java.util.EnumSet.noneOf(io.redisreplica.api.KeyEvent.Kind.class);
        for (String w : value.split(",", -1)) {
            switch (w) {
                case "add" -> kinds.add(io.redisreplica.api.KeyEvent.Kind.ADD);
                case "change" -> kinds.add(io.redisreplica.api.KeyEvent.Kind.CHANGE);
                case "del" -> kinds.add(io.redisreplica.api.KeyEvent.Kind.DEL);
                case "expire" -> kinds.add(io.redisreplica.api.KeyEvent.Kind.EXPIRE);
                case "rename" -> {
                    kinds.add(io.redisreplica.api.KeyEvent.Kind.RENAME_FROM);
                    kinds.add(io.redisreplica.api.KeyEvent.Kind.RENAME_TO);
                }
                case "flush" -> kinds.add(io.redisreplica.api.KeyEvent.Kind.FLUSH);
                case "load" -> kinds.add(io.redisreplica.api.KeyEvent.Kind.LOAD);
                default -> throw new ConfigException(where + "kinds=" + value + ": '" + w + "' is not one of " + KIND_WORDS);
            }
        }
        return Set.copyOf(kinds);
    }

    /** Whether this sink takes events of {@code shard}. */
    public boolean takes(String shard) {
        return shards.isEmpty() || shards.contains(shard);
    }

    /** The key on a Redis target that holds the offset delivered for a shard, set in the same transaction as the events. */
    public String checkpointKey(String shard) {
        return "redis-replica:sink:" + name + ":" + shard;
    }
}
