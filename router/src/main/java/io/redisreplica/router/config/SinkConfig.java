package io.redisreplica.router.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code sink} line of the config: where a set of shards' key events go.
 *
 * @param kind xadd (a Redis stream), publish (a Redis channel), command (a command template run
 *     on a Redis), or class (user code, {@link io.redisreplica.api.EventSink})
 * @param host the Redis target of the first three kinds
 * @param args the stream, the channel, or the command template's words
 * @param options the {@code key=value} words: shards, values, batch, user, password, maxlen, and
 *     tls, and for a class sink whatever it takes ({@code password-file=PATH} is read into {@code password})
 * @param shards the shards whose events it takes; empty for all
 */
public record SinkConfig(String name, Kind kind, String host, int port, List<String> args, Map<String, String> options,
                         Set<String> shards, boolean values, int batch) {
    /** Where the events go. */
    public enum Kind { XADD, PUBLISH, COMMAND, CLASS }

    /** Option words every sink takes; a Redis sink also takes user, password and (xadd) maxlen. */
    static final Set<String> COMMON_OPTIONS = Set.of("shards", "values", "batch");
    static final Set<String> REDIS_OPTIONS = Set.of("user", "password", "password-file", "maxlen", "tls");

    /** Whether a Redis sink connects with TLS ({@code tls=yes}: the config's {@code tls-*} files). */
    public boolean tls() {
        return "yes".equals(options.get("tls"));
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
