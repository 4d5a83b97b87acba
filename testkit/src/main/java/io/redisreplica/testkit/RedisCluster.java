package io.redisreplica.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Redis Cluster of real {@code redis-server} masters (no replicas) on free loopback ports: the
 * 16384 slots split evenly in order ({@code CLUSTER ADDSLOTSRANGE}), the nodes met, and started
 * once every node reports {@code cluster_state:ok} and knows every other's slots. The servers are
 * the {@link RedisServers}' own: stopped after the test with the others. {@link #nodeOf} computes
 * a key's node with its own CRC16 (as {@code cluster.c} does, hash tags included), independent of
 * the code under test, so a test can tell that each key landed on the node that serves it;
 * {@link #migrate} moves a slot to another node as {@code redis-cli --cluster reshard} does.
 */
public final class RedisCluster {
    public static final int SLOTS = 16384;

    private final List<RedisServer> nodes;
    private final int[] firstSlot;
    /** Per slot, the node serving it when {@link #migrate} moved it; -1: the node of its range at the start. */
    private final int[] migrated = new int[SLOTS];

    private RedisCluster(List<RedisServer> nodes, int[] firstSlot) {
        this.nodes = nodes;
        this.firstSlot = firstSlot;
        java.util.Arrays.fill(migrated, -1);
    }

    /** Starts {@code masters} nodes (Redis 7: ADDSLOTSRANGE) and waits until the cluster is ok on each. */
    public static RedisCluster start(RedisServers redis, int masters) {
        final List<RedisServer> nodes = new ArrayList<>();
        final int[] first = new int[masters];
        for (int i = 0; i < masters; i++) {
            nodes.add(redis.start(RedisBinary.local(), Map.of("cluster-enabled", "yes", "cluster-config-file", "nodes.conf",
                "cluster-node-timeout", "5000")));
        }
        for (int i = 0; i < masters; i++) {
            first[i] = SLOTS * i / masters;
            nodes.get(i).call("CLUSTER", "ADDSLOTSRANGE", first[i], SLOTS * (i + 1) / masters - 1);
        }
        for (int i = 1; i < masters; i++) {
            nodes.get(0).call("CLUSTER", "MEET", "127.0.0.1", nodes.get(i).port());
        }
        Await.until("the cluster is ok on every node and each knows every slot", () -> {
            for (RedisServer n : nodes) {
                try (RedisClient c = n.client()) {
                    if (!c.callString("CLUSTER", "INFO").contains("cluster_state:ok")
                        || ((List<?>) c.call("CLUSTER", "SLOTS")).size() != masters) {
                        return false;
                    }
                }
            }
            return true;
        }, 30_000);
        return new RedisCluster(nodes, first);
    }

    /** The masters, in slot order. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The index in {@link #nodes()} of the master serving {@code key}'s slot. */
    public int nodeOf(byte[] key) {
        return nodeOfSlot(slot(key));
    }

    /** The index in {@link #nodes()} of the master serving {@code slot}. */
    public int nodeOfSlot(int slot) {
        if (migrated[slot] >= 0) {
            return migrated[slot];
        }
        int node = 0;
        while (node + 1 < firstSlot.length && firstSlot[node + 1] <= slot) {
            node++;
        }
        return node;
    }

    /**
     * Moves {@code slot} and its keys to node {@code to}, the way {@code redis-cli --cluster
     * reshard} does: {@link #startMigration}, every key moved, {@link #finishMigration}.
     */
    public void migrate(int slot, int to) {
        startMigration(slot, to);
        finishMigration(slot, to);
    }

    /**
     * IMPORTING on node {@code to}, MIGRATING on the slot's node, and {@code keys} of the slot's
     * keys MIGRATEd: a client of the old node gets ASK (or TRYAGAIN) for the keys moved.
     */
    public void startMigration(int slot, int to, int keys) {
        startMigration(slot, to);
        moveKeys(slot, to, keys);
    }

    private void startMigration(int slot, int to) {
        final RedisServer source = nodes.get(nodeOfSlot(slot));
        nodes.get(to).call("CLUSTER", "SETSLOT", slot, "IMPORTING", id(source));
        source.call("CLUSTER", "SETSLOT", slot, "MIGRATING", id(nodes.get(to)));
    }

    /** Moves up to {@code max} keys of the slot, a hundred per MIGRATE; the number moved. */
    private int moveKeys(int slot, int to, int max) {
        final RedisServer source = nodes.get(nodeOfSlot(slot));
        int moved = 0;
        List<?> keys;
        while (moved < max && !(keys = (List<?>) source.call("CLUSTER", "GETKEYSINSLOT", slot, Math.min(100, max - moved))).isEmpty()) {
            final List<Object> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", nodes.get(to).port(), "", 0, 5000, "KEYS"));
            migrate.addAll(keys);
            source.call(migrate.toArray());
            moved += keys.size();
        }
        return moved;
    }

    /** Moves the slot's remaining keys, then tells every node that {@code to} serves it: a client of the old node gets MOVED. */
    public void finishMigration(int slot, int to) {
        final RedisServer source = nodes.get(nodeOfSlot(slot));
        final RedisServer target = nodes.get(to);
        moveKeys(slot, to, Integer.MAX_VALUE);
        final String targetId = id(target);
        target.call("CLUSTER", "SETSLOT", slot, "NODE", targetId);
        source.call("CLUSTER", "SETSLOT", slot, "NODE", targetId);
        for (RedisServer n : nodes) {
            if (n != source && n != target) {
                n.call("CLUSTER", "SETSLOT", slot, "NODE", targetId);
            }
        }
        migrated[slot] = to;
    }

    private static String id(RedisServer node) {
        final Object id = node.call("CLUSTER", "MYID");
        return id instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.US_ASCII) : String.valueOf(id);
    }

    /** {@code CRC16(key) mod 16384}, of the part in the first non-empty {@code {...}} when there is one. */
    public static int slot(byte[] key) {
        int start = 0;
        int end = key.length;
        for (int i = 0; i < key.length; i++) {
            if (key[i] == '{') {
                for (int j = i + 1; j < key.length; j++) {
                    if (key[j] == '}') {
                        if (j > i + 1) {
                            start = i + 1;
                            end = j;
                        }
                        break;
                    }
                }
                break;
            }
        }
        int crc = 0;
        for (int i = start; i < end; i++) {
            crc ^= (key[i] & 0xFF) << 8;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xFFFF;
        }
        return crc & (SLOTS - 1);
    }
}
