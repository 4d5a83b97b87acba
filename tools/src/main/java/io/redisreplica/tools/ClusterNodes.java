package io.redisreplica.tools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.redisreplica.resp.RespError;
import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.resp.RespClient;

/**
 * A Redis Cluster target as {@code replay} sees it: which master serves each hash slot (from
 * {@code CLUSTER SLOTS} on the seed node), a connection per master opened when first needed, and
 * what a redirect means. MOVED: the slot map changed, learn it (the node that answered MOVED
 * names the new owner: the seed may not know it yet) and send again. ASK, or TRYAGAIN (a
 * transaction whose keys are half moved): a migration is under way; wait for it (up to
 * {@value #MIGRATION_WAIT_MS} ms) rather than split a slot's writes between two nodes. Anything
 * else fails the run.
 */
final class ClusterNodes implements AutoCloseable {
    /** How long a slot may keep answering ASK (a migration in progress) before the replay gives up. */
    static final long MIGRATION_WAIT_MS = 30_000;

    /** Opens an authenticated connection to a node (TLS as the target's). */
    interface Connector {
        RespClient connect(String host, int port) throws IOException;
    }

    private final RespClient seed;
    private final Connector connector;
    private final Map<String, RespClient> nodes = new HashMap<>();
    private final String[] slotNode = new String[ClusterSlots.SLOTS];

    ClusterNodes(RespClient seed, Connector connector) throws IOException {
        this.seed = seed;
        this.connector = connector;
        refresh();
    }

    /** Learns the slot map again. */
    void refresh() throws IOException {
        for (Object range : (List<?>) seed.call("CLUSTER", "SLOTS")) {
            final List<?> r = (List<?>) range;
            final List<?> master = (List<?>) r.get(2);
            final String node = master.get(0) + ":" + master.get(1);
            for (long s = (Long) r.get(0); s <= (Long) r.get(1); s++) {
                slotNode[(int) s] = node;
            }
        }
    }

    /** The {@code host:port} of the master serving {@code slot}. */
    String address(int slot) throws IOException {
        final String address = slotNode[slot];
        if (address == null) {
            throw new IOException("slot " + slot + " is served by no node of the cluster");
        }
        return address;
    }

    /** The connection to the master serving {@code slot}. */
    RespClient node(int slot) throws IOException {
        final String address = address(slot);
        RespClient c = nodes.get(address);
        if (c == null) {
            final int colon = address.lastIndexOf(':');
            c = connector.connect(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            nodes.put(address, c);
        }
        return c;
    }

    /** A connection to every master that serves slots. */
    List<RespClient> masters() throws IOException {
        final List<RespClient> masters = new ArrayList<>();
        final LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (int slot = 0; slot < ClusterSlots.SLOTS; slot++) {
            if (slotNode[slot] != null && seen.add(slotNode[slot])) {
                masters.add(node(slot));
            }
        }
        return masters;
    }

    /** Sends a command about {@code slot}'s keys to its node, again after MOVED and ASK; its reply. */
    Object request(int slot, String... args) throws IOException {
        final long deadline = System.currentTimeMillis() + MIGRATION_WAIT_MS;
        Object reply;
        while ((reply = node(slot).request(args)) instanceof RespError e && redirect(e.message())) {
            redirected(slot, e.message(), deadline);
        }
        return reply;
    }

    /** Whether an error is a redirect: MOVED or ASK, or TRYAGAIN (a slot migrating under a transaction's keys). */
    static boolean redirect(String error) {
        return error != null && (error.startsWith("MOVED ") || migrating(error));
    }

    private static boolean migrating(String error) {
        return error.startsWith("ASK ") || error.startsWith("TRYAGAIN");
    }

    /** MOVED: the slot map changed, learn it. ASK, TRYAGAIN: a migration is under way, wait for it. Anything else fails the run. */
    void redirected(int slot, String error, long deadline) throws IOException {
        if (error != null && migrating(error)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("slot " + slot + " is still migrating after " + MIGRATION_WAIT_MS / 1000 + " s (" + error + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while slot " + slot + " migrates", e);
            }
        } else if (error == null || !error.startsWith("MOVED ")) {
            throw new IOException("slot " + slot + ": " + error);
        } else if (System.currentTimeMillis() > deadline) {
            // a slot map that keeps pointing elsewhere (a seed with a stale view, a cluster reshaping) ends the run
            throw new IOException("slot " + slot + " still redirected after " + MIGRATION_WAIT_MS / 1000 + " s of refreshed slot maps ("
                + error + ")");
        }
        refresh();
        if (error.startsWith("MOVED ")) { // "MOVED slot host:port": the answering node knows the owner before the seed may
            final String[] words = error.split(" ");
            if (words.length >= 3 && words[1].equals(Integer.toString(slot))) {
                slotNode[slot] = words[2];
            }
        }
    }

    /** Closes the connections to the nodes (not the seed: its owner closes it). */
    @Override
    public void close() { // RespClient.close() cannot fail
        for (RespClient c : nodes.values()) {
            c.close(); // never fails: the others are closed all the same
        }
        nodes.clear();
    }
}
