package io.redisreplica.tools;

import java.io.IOException;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.router.routing.CommandSpec;
import io.redisreplica.router.routing.CommandTable;
import io.redisreplica.router.routing.KeyPositions;

/**
 * Splits commands by Redis Cluster hash slot for a cluster target, which refuses a command whose
 * keys span slots (CROSSSLOT) even when one node holds them all. A command whose keys share a
 * slot goes whole; DEL/UNLINK/EXISTS/TOUCH/MSET across slots become one command per slot with
 * its keys (the router journals them whole when they share a shard); anything else is refused,
 * with the reason, and never mangled.
 */
final class SlotSplitter {
    /** Where each per-slot command goes. */
    @FunctionalInterface
    interface SlotTarget {
        void accept(int slot, DirectBuffer bytes, int offset, int length) throws IOException;
    }

    private final CommandTable table = new CommandTable();
    private final RespWriter writer = new RespWriter();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(1024);
    private final io.redisreplica.router.routing.KeyArgs keyArgs = new io.redisreplica.router.routing.KeyArgs();
    private int[] keySlots = new int[64];
    private byte[] key = new byte[256];

    /**
     * Sends {@code c} (whose RESP bytes are {@code bytes[offset, offset + length)}) to its slot(s).
     *
     * @return null when it went out, else why it cannot go to a cluster
     */
    String split(Command c, DirectBuffer bytes, int offset, int length, SlotTarget target) throws IOException {
        final CommandSpec spec = table.lookup(c);
        final int n;
        if (spec == null) {
            n = c.argCount() > 1 ? 1 : 0; // as the router does: an unknown command takes its key first
            keyArgs.clear().add(1);
        } else if (spec.kind() == CommandSpec.Kind.ALL_SHARDS) {
            return "it acts on every slot, and a cluster has no transaction across nodes";
        } else {
            n = KeyPositions.of(c, spec, keyArgs);
        }
        if (n <= 0) {
            return n == KeyPositions.BAD_NUMKEYS ? "its numkeys is not a number" : "it names no key, so no slot";
        }
        if (keySlots.length < n) {
            keySlots = new int[Math.max(n, keySlots.length * 2)];
        }
        boolean same = true;
        for (int i = 0; i < n; i++) {
            keySlots[i] = slotOf(c, keyArgs.arg(i));
            same &= keySlots[i] == keySlots[0];
        }
        if (same) {
            target.accept(keySlots[0], bytes, offset, length);
            return null;
        }
        if (spec == null || spec.kind() != CommandSpec.Kind.SPLITTABLE) {
            return "its keys are in different slots";
        }
        for (int i = 0; i < n; i++) {
            final int slot = keySlots[i];
            if (slot < 0) {
                continue; // already written with an earlier key of its slot
            }
            int count = 0;
            for (int k = i; k < n; k++) {
                count += keySlots[k] == slot ? 1 : 0;
            }
            writer.wrap(scratch, 0).arrayHeader(1 + (long) count * spec.step()).bulk(c.buffer(), c.argOffset(0), c.argLength(0));
            for (int k = i; k < n; k++) {
                if (keySlots[k] == slot) {
                    for (int j = 0; j < spec.step(); j++) {
                        writer.bulk(c.buffer(), c.argOffset(keyArgs.arg(k) + j), c.argLength(keyArgs.arg(k) + j));
                    }
                    keySlots[k] = k == i ? slot : -1;
                }
            }
            target.accept(slot, scratch, 0, writer.length());
        }
        return null;
    }

    private int slotOf(Command c, int arg) {
        final int len = c.argLength(arg);
        if (key.length < len) {
            key = new byte[Math.max(len, key.length * 2)];
        }
        c.buffer().getBytes(c.argOffset(arg), key, 0, len);
        return ClusterSlots.slot(key, 0, len);
    }
}
