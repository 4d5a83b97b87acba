package io.redisreplica.tools;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.routing.ClusterSlots;

/**
 * A batch of a {@link ClusterReplay}: per hash slot it touches, one transaction ({@code MULTI},
 * the slot's commands, {@code SET} of the slot's checkpoint, {@code EXEC}: a transaction cannot
 * span slots), built as the journal is read; and where each went (the node's {@link Pipeline} and
 * the number of its MULTI's reply there), so that its replies are found and a refused one is sent
 * again whole. Buffers are kept from batch to batch.
 */
final class SlotBatch {
    private static final byte[] MULTI = "*1\r\n$5\r\nMULTI\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXEC = "*1\r\n$4\r\nEXEC\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ExpandableArrayBuffer[] bytes = new ExpandableArrayBuffer[ClusterSlots.SLOTS];
    private final int[] length = new int[ClusterSlots.SLOTS];
    private final int[] count = new int[ClusterSlots.SLOTS];
    /** The id of the batch that last touched each slot: {@link #holds} without clearing 16384 entries per batch. */
    private final int[] mark = new int[ClusterSlots.SLOTS];
    private final Pipeline[] sentTo = new Pipeline[ClusterSlots.SLOTS];
    private final long[] firstReply = new long[ClusterSlots.SLOTS];
    private final int[] touched = new int[ClusterSlots.SLOTS];
    private int touchedCount;
    private int id;
    /** The end offset of the batch's last entry, its entries, their commands and bytes. */
    long reached;
    int entries;
    long commands;
    long size;

    /** Empties the batch for its next use; {@code batchId} differs from every earlier one of both batches. */
    void start(int batchId) {
        id = batchId;
        touchedCount = 0;
        entries = 0;
        commands = 0;
        size = 0;
    }

    /** Adds a command to its slot's transaction. */
    void add(int slot, DirectBuffer source, int offset, int bytesLength) {
        if (mark[slot] != id) {
            mark[slot] = id;
            if (bytes[slot] == null) {
                bytes[slot] = new ExpandableArrayBuffer(1024);
            }
            bytes[slot].putBytes(0, MULTI);
            length[slot] = MULTI.length;
            count[slot] = 0;
            sentTo[slot] = null;
            touched[touchedCount++] = slot;
        }
        bytes[slot].putBytes(length[slot], source, offset, bytesLength);
        length[slot] += bytesLength;
        count[slot]++;
        commands++;
        size += bytesLength;
    }

    /** Closes each slot's transaction: its checkpoint set to {@link #reached} ({@code value}, in the checkpoint's form), EXEC. */
    void seal(SlotCheckpoints checkpoints, DirectBuffer value, int valueLength, RespWriter writer) {
        for (int i = 0; i < touchedCount; i++) {
            final int slot = touched[i];
            final int at = writer.wrap(bytes[slot], length[slot]).arrayHeader(3).bulk("SET").bulk(checkpoints.keyBytes(slot))
                .bulk(value, 0, valueLength).position();
            bytes[slot].putBytes(at, EXEC);
            length[slot] = at + EXEC.length;
        }
    }

    /** Whether the batch has a transaction for {@code slot}. */
    boolean holds(int slot) {
        return mark[slot] == id;
    }

    int touchedCount() {
        return touchedCount;
    }

    /** The {@code i}th slot the batch touches. */
    int touched(int i) {
        return touched[i];
    }

    DirectBuffer bytes(int slot) {
        return bytes[slot];
    }

    int length(int slot) {
        return length[slot];
    }

    /** The replies the slot's transaction gets: MULTI's, each command's, the checkpoint's SET's, EXEC's. */
    int replies(int slot) {
        return count[slot] + 3;
    }

    /** The slot's transaction went out on {@code pipe}; its MULTI's reply has the number {@code reply}. */
    void sent(int slot, Pipeline pipe, long reply) {
        sentTo[slot] = pipe;
        firstReply[slot] = reply;
    }

    /** Where the slot's transaction went; null when it has not gone yet (held behind the batch before). */
    Pipeline sentTo(int slot) {
        return sentTo[slot];
    }

    long firstReply(int slot) {
        return firstReply[slot];
    }

    long execReply(int slot) {
        return firstReply[slot] + count[slot] + 2;
    }
}
