package io.redisreplica.journal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A durable position: the upstream {@code replid} and offset the journal covers, each shard's
 * {@code replid} and snapshot epoch, and each named receiver's acknowledged offset. Stored as a
 * small text file an operator can read (see {@link CheckpointStore}):
 *
 * <pre>
 * version 2
 * upstream 8de9b1c4...  1048576
 * shard a 3f1e...  2 1048576
 * map a keys="regex=^a.*" drop-keys=""
 * receiver a replica-6380 52344 live
 * </pre>
 *
 * A {@code map} line (version 2) records, per shard, what decided the keys and bytes of its
 * current snapshot and journal: the router's description of the shard's rule, compared as an
 * opaque single line. A version 1 checkpoint (written before the map was recorded) has none:
 * {@link #shardMapRecorded()} is then false, and the next write records one.
 */
public final class Checkpoint {
    /**
     * A shard's identity: replicas PSYNC against {@code replid}; {@code epoch} counts its
     * snapshots; {@code snapshotOffset} is the shard offset its current snapshot stands at (a
     * full resync sends the snapshot, then the journal from there), or -1 while no snapshot file
     * can be trusted (the router was replacing them).
     */
    /**
     * @param journalEnd the shard journal's committed end when the checkpoint was written (-1 in
     *     checkpoints from before it was recorded): a journal that opens shorter was damaged
     */
    public record ShardState(String replid, long epoch, long snapshotOffset, long journalEnd) {
        public ShardState(String replid, long epoch, long snapshotOffset) {
            this(replid, epoch, snapshotOffset, -1);
        }
    }

    /** A receiver of a shard and the offset it has acknowledged. */
    public record ReceiverState(String shard, String receiver, long ackedOffset, boolean needsFullResync) {
    }

    private String upstreamReplid = "?";
    private long upstreamOffset = -1;
    private int upstreamDb;
    private final Map<String, ShardState> shards = new TreeMap<>();
    private final Map<String, ReceiverState> receivers = new TreeMap<>();
    /** Shard name to its map description; null when no map was recorded (a version 1 checkpoint, or none yet). */
    private Map<String, String> shardMap;

    public String upstreamReplid() {
        return upstreamReplid;
    }

    /** The master offset the journal covers; -1 when nothing was ever synced. */
    public long upstreamOffset() {
        return upstreamOffset;
    }

    public Checkpoint upstream(String replid, long offset) {
        return upstream(replid, offset, upstreamDb);
    }

    /**
     * @param db the master's selected database at {@code offset}: a master continuing a partial
     *     resync does not repeat its SELECT, so the router must know where it was
     */
    public Checkpoint upstream(String replid, long offset, int db) {
        requireToken(replid, "replid");
        this.upstreamReplid = replid;
        this.upstreamOffset = offset;
        this.upstreamDb = db;
        return this;
    }

    /** The master's selected database at {@link #upstreamOffset()} (0 in checkpoints written before it was recorded). */
    public int upstreamDb() {
        return upstreamDb;
    }

    public Map<String, ShardState> shards() {
        return Collections.unmodifiableMap(shards);
    }

    public Checkpoint shard(String name, String replid, long epoch, long snapshotOffset) {
        final ShardState before = shards.get(name);
        return shard(name, replid, epoch, snapshotOffset, before == null ? -1 : before.journalEnd());
    }

    public Checkpoint shard(String name, String replid, long epoch, long snapshotOffset, long journalEnd) {
        requireToken(name, "shard name");
        requireToken(replid, "replid");
        shards.put(name, new ShardState(replid, epoch, snapshotOffset, journalEnd));
        return this;
    }

    /** Whether a shard map was recorded (not in a checkpoint written before version 2, nor before the first full sync). */
    public boolean shardMapRecorded() {
        return shardMap != null;
    }

    /** Each shard's recorded map description by name; empty when none was recorded. */
    public Map<String, String> shardMap() {
        return shardMap == null ? Map.of() : Collections.unmodifiableMap(shardMap);
    }

    /**
     * Records the shard map: per shard, a one-line description of what decides its keys and
     * bytes (compared as text; see {@code ShardFingerprint} in the router). Replaces what was recorded.
     */
    public Checkpoint shardMap(Map<String, String> descriptions) {
        final Map<String, String> next = new TreeMap<>();
        descriptions.forEach((name, description) -> {
            requireToken(name, "shard name");
            if (description == null || description.isEmpty() || description.indexOf('\n') >= 0 || description.indexOf('\r') >= 0
                || !description.equals(description.strip())) {
                throw new IllegalArgumentException("shard " + name + ": a map description must be one line without "
                    + "surrounding spaces: '" + description + "'");
            }
            next.put(name, description);
        });
        this.shardMap = next;
        return this;
    }

    /** Forgets a shard: its state, its map entry and its receivers (its journal was removed). */
    public Checkpoint removeShard(String name) {
        shards.remove(name);
        if (shardMap != null) {
            shardMap.remove(name);
        }
        receivers.values().removeIf(r -> r.shard().equals(name));
        return this;
    }

    /** Receivers, ordered by shard then name. */
    /**
     * A key a shard received from a read of the master at {@code offset}: the master's commands
     * on it up to there are in that value and must not be applied again, also after a restart
     * that resumes the stream before {@code offset}.
     */
    public record ReadState(int db, byte[] key, long offset) {
    }

    private final List<ReadState> reads = new java.util.ArrayList<>();

    /** The reads whose offset is past this checkpoint's upstream offset (their keys' commands are skipped until then). */
    public List<ReadState> reads() {
        return java.util.Collections.unmodifiableList(reads);
    }

    public Checkpoint reads(List<ReadState> value) {
        reads.clear();
        reads.addAll(value);
        return this;
    }

    public List<ReceiverState> receivers() {
        return new ArrayList<>(receivers.values());
    }

    public ReceiverState receiver(String shard, String receiver) {
        return receivers.get(shard + '\u0000' + receiver);
    }

    public Checkpoint receiver(String shard, String receiver, long ackedOffset, boolean needsFullResync) {
        requireToken(shard, "shard name");
        requireToken(receiver, "receiver name");
        receivers.put(shard + '\u0000' + receiver, new ReceiverState(shard, receiver, ackedOffset, needsFullResync));
        return this;
    }

    public Checkpoint removeReceiver(String shard, String receiver) {
        receivers.remove(shard + '\u0000' + receiver);
        return this;
    }

    public Checkpoint copy() {
        final Checkpoint copy = new Checkpoint();
        copy.upstreamReplid = upstreamReplid;
        copy.upstreamOffset = upstreamOffset;
        copy.upstreamDb = upstreamDb;
        copy.shards.putAll(shards);
        copy.receivers.putAll(receivers);
        copy.reads.addAll(reads);
        copy.shardMap = shardMap == null ? null : new TreeMap<>(shardMap);
        return copy;
    }

    String encode() {
        final StringBuilder sb = new StringBuilder("# redis-replica journal checkpoint (written atomically; do not edit while running)\n");
        sb.append("version 2\n");
        sb.append("upstream ").append(upstreamReplid).append(' ').append(upstreamOffset).append(' ').append(upstreamDb).append('\n');
        shards.forEach((name, s) -> sb.append("shard ").append(name).append(' ').append(s.replid()).append(' ')
            .append(s.epoch()).append(' ').append(s.snapshotOffset()).append(' ').append(s.journalEnd()).append('\n'));
        if (shardMap != null) {
            if (shardMap.isEmpty()) {
                sb.append("map-recorded\n"); // a map of no shards still counts as recorded
            }
            shardMap.forEach((name, d) -> sb.append("map ").append(name).append(' ').append(d).append('\n'));
        }
        reads.forEach(r -> sb.append("read ").append(r.db()).append(' ').append(r.key().length == 0 ? "-" : java.util.HexFormat.of().formatHex(r.key()))
            .append(' ').append(r.offset()).append('\n'));
        receivers.values().forEach(r -> sb.append("receiver ").append(r.shard()).append(' ').append(r.receiver())
            .append(' ').append(r.ackedOffset()).append(' ').append(r.needsFullResync() ? "full-resync" : "live").append('\n'));
        return sb.toString();
    }

    static Checkpoint decode(String text, String source) {
        final Checkpoint checkpoint = new Checkpoint();
        int lineNo = 0;
        boolean versioned = false;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            final String[] f = line.trim().split("\\s+");
            try {
                switch (f[0]) {
                    case "version" -> {
                        if (!f[1].equals("1") && !f[1].equals("2")) {
                            throw new JournalException(source + ":" + lineNo + ": checkpoint version " + f[1]
                                + " is newer than this build understands (2)");
                        }
                        versioned = true;
                    }
                    case "upstream" -> checkpoint.upstream(f[1], Long.parseLong(f[2]), f.length > 3 ? Integer.parseInt(f[3]) : 0);
                    case "shard" -> checkpoint.shard(f[1], f[2], Long.parseLong(f[3]), f.length > 4 ? Long.parseLong(f[4]) : 0,
                        f.length > 5 ? Long.parseLong(f[5]) : -1);
                    case "map" -> {
                        final String[] m = line.strip().split("\\s+", 3);
                        final Map<String, String> map = new TreeMap<>(checkpoint.shardMap());
                        map.put(m[1], m[2]);
                        checkpoint.shardMap(map);
                    }
                    case "map-recorded" -> checkpoint.shardMap(checkpoint.shardMap());
                    case "receiver" -> checkpoint.receiver(f[1], f[2], Long.parseLong(f[3]), f[4].equals("full-resync"));
                    case "read" -> checkpoint.reads.add(new ReadState(Integer.parseInt(f[1]),
                        f[2].equals("-") ? new byte[0] : java.util.HexFormat.of().parseHex(f[2]), Long.parseLong(f[3])));
                    default -> throw new JournalException(source + ":" + lineNo + ": unknown checkpoint line: " + line);
                }
            } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
                throw new JournalException(source + ":" + lineNo + ": malformed checkpoint line: " + line, e);
            }
        }
        if (!versioned && lineNo > 0 && !text.isBlank()) {
            throw new JournalException(source + ": not a checkpoint file (no version line)");
        }
        return checkpoint;
    }

    private static void requireToken(String value, String what) {
        if (value == null || value.isEmpty() || value.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException(what + " must be a non-empty token without spaces: '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return encode();
    }
}
