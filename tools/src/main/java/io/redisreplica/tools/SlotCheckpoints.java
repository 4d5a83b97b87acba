package io.redisreplica.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.journal.JournalHistory;
import io.redisreplica.resp.RespError;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.resp.RespClient;

/**
 * What a cluster target's per-slot checkpoints ({@code {tag}key}, {@link SlotTags}) say each slot
 * has applied: read from every master once, all its slots' keys in one pipelined sweep (a round
 * trip per slot would cost 16384 of them), then kept as {@link ClusterReplay} confirms batches.
 * A checkpoint lives in its slot, so a slot migrated to another node takes its checkpoint along.
 */
final class SlotCheckpoints {
    /** GETs written per send: bounds the bytes a sweep holds. */
    private static final int SWEEP = 1024;

    private final String[] keys = new String[ClusterSlots.SLOTS];
    private final byte[][] keyBytes = new byte[ClusterSlots.SLOTS][];
    private final long[] done = new long[ClusterSlots.SLOTS];
    private boolean known;

    SlotCheckpoints(String checkpointKey) {
        for (int slot = 0; slot < ClusterSlots.SLOTS; slot++) {
            keys[slot] = SlotTags.key(slot, checkpointKey);
            keyBytes[slot] = keys[slot].getBytes(StandardCharsets.UTF_8);
        }
    }

    String key(int slot) {
        return keys[slot];
    }

    byte[] keyBytes(int slot) {
        return keyBytes[slot];
    }

    /** The offset the slot's checkpoint says is applied (-1: none). */
    long done(int slot) {
        return done[slot];
    }

    /** A batch that reaches {@code offset} was applied on the slot, its checkpoint with it. */
    void applied(int slot, long offset) {
        done[slot] = offset;
    }

    boolean known() {
        return known;
    }

    /** The target may have changed (emptied, or a round failed): the next run reads the checkpoints again. */
    void forget() {
        known = false;
    }

    /** Reads every slot's checkpoint, per master in pipelined sweeps; a slot that moved meanwhile is asked again where it went. */
    void read(ClusterNodes nodes, ReplayCheckpoint position, JournalHistory history, String shard) throws IOException {
        final Map<String, List<Integer>> byNode = new LinkedHashMap<>();
        for (int slot = 0; slot < ClusterSlots.SLOTS; slot++) {
            byNode.computeIfAbsent(nodes.address(slot), a -> new ArrayList<>()).add(slot);
        }
        final ExpandableArrayBuffer gets = new ExpandableArrayBuffer(64 * 1024);
        final RespWriter writer = new RespWriter();
        final List<Integer> moved = new ArrayList<>();
        for (List<Integer> slots : byNode.values()) {
            final RespClient node = nodes.node(slots.get(0));
            for (int from = 0; from < slots.size(); from += SWEEP) {
                final int to = Math.min(slots.size(), from + SWEEP);
                int length = 0;
                for (int i = from; i < to; i++) {
                    length = writer.wrap(gets, length).command("GET", keys[slots.get(i)]).position();
                }
                node.send(gets.byteArray(), 0, length);
                for (int i = from; i < to; i++) {
                    final Object v = node.read();
                    if (v instanceof RespError e && ClusterNodes.redirect(e.message())) {
                        moved.add(slots.get(i)); // asked again once every reply of this sweep is read
                    } else {
                        done[slots.get(i)] = value(slots.get(i), v, position, history, shard);
                    }
                }
            }
        }
        for (int slot : moved) {
            done[slot] = value(slot, nodes.request(slot, "GET", keys[slot]), position, history, shard);
        }
        known = true;
    }

    private long value(int slot, Object v, ReplayCheckpoint position, JournalHistory history, String shard) throws IOException {
        if (v instanceof RespError e) {
            throw new IOException("slot " + slot + ": GET " + keys[slot] + ": " + e.message());
        }
        return position.offsetOnThisLine(v, history, shard, keys[slot]);
    }
}
