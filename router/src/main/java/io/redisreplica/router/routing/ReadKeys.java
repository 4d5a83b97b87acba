package io.redisreplica.router.routing;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.agrona.DirectBuffer;

/**
 * Keys whose value a shard received from a read of the master at a known replication offset: the
 * master's commands on such a key up to that offset are already in what the shard got, so they
 * are skipped. Empty almost always (a cross-shard command is rare), and then costs one branch.
 * Used by the upstream link's thread only.
 */
final class ReadKeys {
    private record Key(int db, byte[] key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.db == db && Arrays.equals(k.key, key);
        }

        @Override
        public int hashCode() {
            return 31 * db + Arrays.hashCode(key);
        }
    }

    private final Map<Key, Long> readAt = new HashMap<>();
    private long maxOffset = -1;

    boolean isEmpty() {
        return readAt.isEmpty();
    }

    /** Forgets every key once the stream has passed the last read's offset ({@code upstreamOffset}: where the next command starts). */
    void passed(long upstreamOffset) {
        if (upstreamOffset >= maxOffset && !readAt.isEmpty()) {
            readAt.clear();
        }
    }

    /**
     * A key of a command looked up without copying it out: it hashes like the {@link Key} it stands
     * for, and HashMap compares it against the stored keys (lookup.equals(stored)).
     */
    private static final class Probe {
        private byte[] bytes = new byte[64];
        private int length;
        private int db;
        private int hash;

        Probe wrap(int db, DirectBuffer buffer, int offset, int length) {
            if (bytes.length < length) {
                bytes = new byte[Math.max(length, bytes.length * 2)];
            }
            buffer.getBytes(offset, bytes, 0, length);
            this.length = length;
            this.db = db;
            int h = 1;
            for (int i = 0; i < length; i++) {
                h = 31 * h + bytes[i];
            }
            this.hash = 31 * db + h;
            return this;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.db == db && Arrays.equals(k.key, 0, k.key.length, bytes, 0, length);
        }
    }

    private final Probe probe = new Probe();

    /** Whether the master's command ending at {@code upstreamEnd} on this key is already in a read (allocates nothing). */
    @SuppressWarnings("unlikely-arg-type")
    boolean contains(int db, DirectBuffer buffer, int offset, int length, long upstreamEnd) {
        if (readAt.isEmpty()) {
            return false;
        }
        final Long at = readAt.get(probe.wrap(db, buffer, offset, length));
        return at != null && upstreamEnd <= at;
    }

    /** Records that {@code key} in {@code db} was read from the master at {@code offset}. */
    void add(int db, byte[] key, long offset) {
        readAt.merge(new Key(db, key), offset, Math::max);
        maxOffset = Math.max(maxOffset, offset);
    }

    /** The reads whose offset is past {@code offset}: what a checkpoint at {@code offset} must carry. */
    java.util.List<io.redisreplica.journal.Checkpoint.ReadState> after(long offset) {
        final java.util.List<io.redisreplica.journal.Checkpoint.ReadState> out = new java.util.ArrayList<>();
        readAt.forEach((k, at) -> {
            if (at > offset) {
                out.add(new io.redisreplica.journal.Checkpoint.ReadState(k.db, k.key, at));
            }
        });
        return out;
    }

    /** FLUSHALL: no key holds a read value any more. */
    void clear() {
        readAt.clear();
    }

    /** FLUSHDB on {@code db}. */
    void clear(int db) {
        readAt.keySet().removeIf(k -> k.db == db);
    }

    /**
     * SWAPDB a b while reads of keys in those dbs still hold later commands: such a read, taken
     * after the master swapped, found the other db's key under that name. The keys are forgotten
     * here and returned, once each, for the caller to read again in both dbs.
     */
    java.util.List<byte[]> removeIn(int a, int b, long upstreamEnd) {
        final java.util.List<byte[]> out = new java.util.ArrayList<>();
        final java.util.Set<Key> seen = new java.util.HashSet<>();
        readAt.entrySet().removeIf(e -> {
            final Key k = e.getKey();
            if ((k.db == a || k.db == b) && e.getValue() >= upstreamEnd) {
                if (seen.add(new Key(0, k.key))) {
                    out.add(k.key);
                }
                return true;
            }
            return false;
        });
        return out;
    }
}
