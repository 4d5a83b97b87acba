package io.redisreplica.tools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.resp.RespClient;

/**
 * A Redis Cluster {@code compare} reads, as {@code replay} writes it ({@link ClusterNodes}): a
 * batch of keys is read on the masters serving their slots, and a SCAN covers every master. A
 * cluster has only db 0. A slot that moves while compare runs is followed: a read refused by MOVED
 * learns the slot map again and reads the whole batch again where its keys are now; ASK or
 * TRYAGAIN (a migration under way) waits for the migration to end (up to
 * {@value ClusterNodes#MIGRATION_WAIT_MS} ms) rather than read a slot half here and half there,
 * so a key that moved is not reported lost.
 */
final class CompareCluster implements CompareTarget {
    private final RespClient seed;
    private final ClusterNodes nodes;
    private final String name;

    /** @param seed a connection with text replies (the slot map's addresses); {@code connector}'s have binary ones (keys) */
    CompareCluster(RespClient seed, ClusterNodes.Connector connector, String name) throws IOException {
        this.seed = seed;
        this.nodes = new ClusterNodes(seed, connector);
        this.name = name;
    }

    /** Whether the server at {@code c} is a node of a cluster. */
    static boolean is(RespClient c) throws IOException {
        return KeyDigest.text(c.call("INFO", "cluster")).contains("cluster_enabled:1");
    }

    @Override
    public Set<Integer> dbs() throws IOException {
        final Set<Integer> dbs = new TreeSet<>();
        for (RespClient m : nodes.masters()) {
            dbs.addAll(CompareServer.keyspaceDbs(m));
        }
        return dbs;
    }

    @Override
    public boolean holds(int db) {
        return db == 0;
    }

    @Override
    public void scan(int db, Page page) throws IOException {
        for (RespClient m : nodes.masters()) {
            CompareServer.scan(m, name, page);
        }
    }

    /** Reads each node's share of {@code keys} in one batch there, and hands the readings back in {@code keys}' order. */
    @Override
    public List<KeyDigest.Reading> read(int db, List<byte[]> keys) throws IOException {
        final long deadline = System.currentTimeMillis() + ClusterNodes.MIGRATION_WAIT_MS;
        while (true) {
            try {
                return readOnce(keys);
            } catch (KeyDigest.Redirected e) {
                nodes.redirected(e.slot(), e.redirect(), deadline);
            }
        }
    }

    @Override
    public boolean[] exist(int db, List<byte[]> keys) throws IOException {
        final long deadline = System.currentTimeMillis() + ClusterNodes.MIGRATION_WAIT_MS;
        while (true) {
            try {
                return existOnce(keys);
            } catch (KeyDigest.Redirected e) {
                nodes.redirected(e.slot(), e.redirect(), deadline);
            }
        }
    }

    private List<KeyDigest.Reading> readOnce(List<byte[]> keys) throws IOException {
        final Map<RespClient, List<Integer>> byNode = byNode(keys);
        final KeyDigest.Reading[] out = new KeyDigest.Reading[keys.size()];
        for (Map.Entry<RespClient, List<Integer>> e : byNode.entrySet()) {
            final List<KeyDigest.Reading> r = KeyDigest.read(e.getKey(), pick(keys, e.getValue()));
            for (int i = 0; i < r.size(); i++) {
                out[e.getValue().get(i)] = r.get(i);
            }
        }
        return List.of(out);
    }

    private boolean[] existOnce(List<byte[]> keys) throws IOException {
        final boolean[] out = new boolean[keys.size()];
        for (Map.Entry<RespClient, List<Integer>> e : byNode(keys).entrySet()) {
            final boolean[] r = KeyDigest.exist(e.getKey(), pick(keys, e.getValue()));
            for (int i = 0; i < r.length; i++) {
                out[e.getValue().get(i)] = r[i];
            }
        }
        return out;
    }

    private Map<RespClient, List<Integer>> byNode(List<byte[]> keys) throws IOException {
        final Map<RespClient, List<Integer>> byNode = new IdentityHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            final byte[] k = keys.get(i);
            byNode.computeIfAbsent(nodes.node(ClusterSlots.slot(k, 0, k.length)), n -> new ArrayList<>()).add(i);
        }
        return byNode;
    }

    private static List<byte[]> pick(List<byte[]> keys, List<Integer> at) {
        final List<byte[]> out = new ArrayList<>(at.size());
        for (int i : at) {
            out.add(keys.get(i));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        nodes.close();
        seed.close();
    }
}
