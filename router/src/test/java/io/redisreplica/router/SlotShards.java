package io.redisreplica.router;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** Three shards by slot ranges on free ports, and a replica of each: the layout several router tests share. */
final class SlotShards {
    static final String[] RANGES = {"0-5460", "5461-10922", "10923-16383"};

    final int[] ports = new int[RANGES.length];
    final RouterConfig config;

    SlotShards(RedisServer master, Path journal) {
        this(master, journal, "");
    }

    /** With more configuration lines (value rules, rewrites) after the shards. */
    SlotShards(RedisServer master, Path journal, String more) {
        this("upstream 127.0.0.1:" + master.port(), journal, more);
    }

    /** With the lines that name the master ({@code upstream ...} or {@code upstream-sentinel ...}) as given. */
    SlotShards(String upstream, Path journal, String more) {
        final StringBuilder conf = new StringBuilder(upstream + "\njournal " + journal + "\n");
        for (int i = 0; i < RANGES.length; i++) {
            ports[i] = FreePort.find();
            conf.append("shard s").append(i).append(" 127.0.0.1:").append(ports[i]).append(" slots=").append(RANGES[i]).append('\n');
        }
        this.config = ConfigParser.parse(conf.append(more).toString(), "test");
    }

    /** The index of the shard that owns {@code key}. */
    int shardOf(byte[] key) {
        return config.shardMap().shardOf(key, 0, key.length);
    }

    /** One replica of {@code binary} per shard (SLAVEOF before 5.0), each in sync. */
    List<RedisServer> replicas(RedisServers redis, RedisBinary binary) {
        final List<RedisServer> replicas = new ArrayList<>();
        final String replicaOf = binary.atLeast(5, 0) ? "replicaof" : "slaveof";
        for (int port : ports) {
            replicas.add(redis.start(binary, Map.of(replicaOf, "127.0.0.1 " + port)));
        }
        for (RedisServer r : replicas) {
            r.awaitReplicaInSync(30_000);
        }
        return replicas;
    }
}
