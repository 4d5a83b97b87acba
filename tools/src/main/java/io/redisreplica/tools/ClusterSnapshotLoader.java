package io.redisreplica.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;

import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.resp.RespError;
import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.resp.RespClient;
import io.redisreplica.router.support.SpillBuffer;
import io.redisreplica.router.support.SpillFiles;

/**
 * Loads a shard's snapshot RDB into a Redis Cluster target with {@code RESTORE}, each key on the
 * master serving its slot ({@link ClusterNodes}: MOVED, ASK and TRYAGAIN followed). A transaction
 * cannot span slots, so a batch is a pipeline per node, not a MULTI/EXEC: once every node answered
 * a batch, the count of the snapshot's keys the cluster holds is recorded in a hash-tagged marker
 * key ({@code {tag}CHECKPOINT:snapshot}, {@code SNAPSHOT_OFFSET:KEYS}). The next batch is built
 * (the RDB read, its payloads made) while the nodes restore the last one, and sent once that one
 * is answered and recorded, so at most one batch is ever unrecorded: a load stopped anywhere and
 * run again sends that batch again, with {@code REPLACE} harmlessly, and without it a
 * {@code BUSYKEY} in that one batch is the key it restored before the stop (the load began on an
 * empty cluster, or with {@code --skip-existing}). Payloads as {@link DumpPayloads} builds them;
 * each node's batch in a {@link SpillBuffer}.
 */
final class ClusterSnapshotLoader {
    private static final int BATCH_BYTES = 4 << 20;

    private final Path rdb;
    private final long snapshotOffset;
    private final ClusterNodes nodes;
    private final SnapshotLoader.Existing existing;
    private final String marker;
    private final int markerSlot;
    private final int batchKeys;
    private final LongConsumer progress;
    private final SpillFiles spill = SpillFiles.temporary();
    private final SpillBuffer value = spill.buffer(64 * 1024);
    private final RestoreCommand restore;
    /** Per node, the batch being built, and the batch the nodes are restoring (sent, not answered yet). */
    private Map<RespClient, Pending> building = new HashMap<>();
    private Map<RespClient, Pending> inFlight = new HashMap<>();
    /** The count of the snapshot's keys once the batch in flight is in; -1: none in flight. */
    private long inFlightKeys = -1;
    private final byte[] chunk = new byte[64 * 1024];

    private int batchRestores;
    private long batchBytes;
    private long keys;
    private long restored;
    private long skippedExisting;
    private long expired;
    /** The batch being sent is the first after a resume: a BUSYKEY there is this load's own key. */
    private boolean resending;

    /** One node's part of the batch: its RESTOREs, and each one's slot and place in the bytes (to send again after MOVED). */
    private final class Pending {
        final SpillBuffer bytes = spill.buffer(64 * 1024);
        final QueuedCommands commands = new QueuedCommands();
        int length;
    }

    ClusterSnapshotLoader(Path rdb, long snapshotOffset, ClusterNodes nodes, SnapshotLoader.Existing existing, String marker,
                          int batchKeys, LongConsumer progress) {
        this.rdb = rdb;
        this.snapshotOffset = snapshotOffset;
        this.nodes = nodes;
        this.existing = existing;
        this.restore = new RestoreCommand(existing == SnapshotLoader.Existing.REPLACE);
        this.marker = marker;
        final byte[] m = marker.getBytes(StandardCharsets.UTF_8);
        this.markerSlot = ClusterSlots.slot(m, 0, m.length);
        this.batchKeys = batchKeys;
        this.progress = progress;
    }

    SnapshotLoader.Result load() throws IOException {
        restore.target(nodes.node(markerSlot).call("INFO", "server"));
        final long skipFirst = resumePoint();
        resending = skipFirst > 0;
        if (skipFirst == 0 && existing == SnapshotLoader.Existing.FAIL) {
            long held = 0;
            for (RespClient master : nodes.masters()) {
                held += (Long) master.call("DBSIZE");
            }
            if (held > 0) {
                throw new IOException("the cluster holds " + held + " keys before the snapshot load: pass --replace (the snapshot's "
                    + "value wins) or --skip-existing (the cluster's wins), or --no-snapshot when it already has the data");
            }
        }
        keys = skipFirst;
        new DumpPayloads(value).read(rdb, skipFirst, progress, this::restore);
        flush();
        confirmInFlight();
        value.shrink(0);
        for (Pending p : building.values()) {
            p.bytes.shrink(0);
        }
        for (Pending p : inFlight.values()) {
            p.bytes.shrink(0);
        }
        return new SnapshotLoader.Result(keys, restored, skippedExisting, expired, skipFirst);
    }

    /** How many keys of this snapshot an interrupted load recorded (0: a new load). */
    private long resumePoint() throws IOException {
        return SnapshotLoader.resumePoint(nodes.request(markerSlot, "GET", marker), "cluster", marker, snapshotOffset);
    }

    private void restore(RdbEntry entry, SpillBuffer payload, int length) throws IOException {
        keys++;
        if (entry.db() != 0) {
            throw new IOException("the snapshot has keys in db " + entry.db() + ": a cluster has only db 0");
        }
        final long ttl = restore.ttl(entry);
        if (ttl == RestoreCommand.EXPIRED) {
            expired++;
            return;
        }
        final int slot = ClusterSlots.slot(entry.key(), 0, entry.keyLength());
        final Pending p = building.computeIfAbsent(nodes.node(slot), n -> new Pending());
        final int end = restore.write(p.bytes, p.length, entry, ttl, payload, length);
        p.commands.add(slot, p.length, end - p.length);
        batchBytes += end - p.length;
        p.length = end;
        if (++batchRestores >= batchKeys || batchBytes >= BATCH_BYTES) {
            flush();
        }
    }

    /** The batch built is whole: the one in flight is confirmed and recorded first, then every node is sent its part. */
    private void flush() throws IOException {
        if (batchRestores == 0) {
            return;
        }
        confirmInFlight();
        for (Map.Entry<RespClient, Pending> e : building.entrySet()) {
            final Pending p = e.getValue();
            for (int at = 0; at < p.length; at += chunk.length) {
                final int n = Math.min(chunk.length, p.length - at);
                p.bytes.getBytes(at, chunk, 0, n);
                e.getKey().send(chunk, 0, n);
            }
        }
        final Map<RespClient, Pending> sent = building;
        building = inFlight;
        inFlight = sent;
        inFlightKeys = keys;
        batchRestores = 0;
        batchBytes = 0;
    }

    /** Reads the replies of the batch in flight (a redirected RESTORE is sent again to the right node), then records the count. */
    private void confirmInFlight() throws IOException {
        if (inFlightKeys < 0) {
            return;
        }
        // every node's replies first: a RESTORE sent again elsewhere must not read a reply still queued there
        final java.util.List<byte[]> again = new java.util.ArrayList<>();
        final java.util.List<Integer> againSlots = new java.util.ArrayList<>();
        for (Map.Entry<RespClient, Pending> e : inFlight.entrySet()) {
            final Pending p = e.getValue();
            for (int i = 0; i < p.commands.count(); i++) {
                final Object reply = e.getKey().read();
                if (reply instanceof RespError err && ClusterNodes.redirect(err.message())) {
                    final byte[] command = new byte[p.commands.length(i)]; // a redirect is rare: copied out
                    p.bytes.getBytes(p.commands.offset(i), command);
                    again.add(command);
                    againSlots.add((int) p.commands.entry(i));
                    nodes.redirected((int) p.commands.entry(i), err.message(), System.currentTimeMillis() + ClusterNodes.MIGRATION_WAIT_MS);
                } else {
                    answered(reply, (int) p.commands.entry(i));
                }
            }
            p.length = 0;
            p.commands.clear();
        }
        for (int i = 0; i < again.size(); i++) {
            answered(sendAgain(again.get(i), againSlots.get(i)), againSlots.get(i));
        }
        if (nodes.request(markerSlot, "SET", marker, snapshotOffset + ":" + inFlightKeys) instanceof RespError e) {
            throw new IOException("the cluster refused the snapshot load's marker " + marker + ": " + e.message());
        }
        inFlightKeys = -1;
        resending = false;
    }

    /** Sends a redirected RESTORE to the node that serves its slot now, until it is not redirected; the reply. */
    private Object sendAgain(byte[] command, int slot) throws IOException {
        final long deadline = System.currentTimeMillis() + ClusterNodes.MIGRATION_WAIT_MS;
        while (true) {
            final RespClient node = nodes.node(slot);
            node.send(command, 0, command.length);
            final Object reply = node.read();
            if (!(reply instanceof RespError e) || !ClusterNodes.redirect(e.message())) {
                return reply;
            }
            nodes.redirected(slot, e.message(), deadline);
        }
    }

    /** One RESTORE's reply: counted, or the end of the load. */
    private void answered(Object reply, int slot) throws IOException {
        if (reply instanceof RespError e) {
            if (e.message().startsWith("BUSYKEY") && (existing == SnapshotLoader.Existing.SKIP || resending)) {
                if (resending && existing != SnapshotLoader.Existing.SKIP) {
                    restored++; // restored by the load that stopped before recording this batch
                } else {
                    skippedExisting++;
                }
                return;
            }
            throw new IOException("the cluster refused a key of the snapshot load (batch ending at key " + inFlightKeys + ", slot " + slot
                + "): " + e.message() + (e.message().startsWith("BUSYKEY") ? " (a key written to the cluster during the load: "
                + "--replace or --skip-existing)" : ""));
        }
        restored++;
    }
}
