package io.redisreplica.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** Two shards by slot halves on free ports, a config file for them and a replica of each: what the router-process tests share. */
final class TwoSlotShards {
    final int[] ports = {FreePort.find(), FreePort.find()};
    final Path config;

    TwoSlotShards(Path dir, RedisServer master) throws Exception {
        this.config = Files.writeString(dir.resolve("router.conf"), "upstream 127.0.0.1:" + master.port() + "\njournal "
            + dir.resolve("journal") + "\nshard s0 127.0.0.1:" + ports[0] + " slots=0-8191\nshard s1 127.0.0.1:" + ports[1]
            + " slots=8192-16383\n");
    }

    /** Adds an {@code admin} line on a free port to the config; returns the port. */
    int admin() throws java.io.IOException {
        final int port = FreePort.find();
        Files.writeString(config, "admin 127.0.0.1:" + port + "\n", java.nio.file.StandardOpenOption.APPEND);
        return port;
    }

    /** The shard of a key: slots 0-8191 are shard 0. */
    static int shardOf(byte[] key) {
        return ClusterSlots.slot(key, 0, key.length) < 8192 ? 0 : 1;
    }

    /** One replica per shard, in sync. */
    List<RedisServer> replicas(RedisServers redis) {
        final List<RedisServer> replicas = List.of(
            redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + ports[0])),
            redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + ports[1])));
        for (RedisServer r : replicas) {
            r.awaitReplicaInSync(30_000);
        }
        return replicas;
    }
}
