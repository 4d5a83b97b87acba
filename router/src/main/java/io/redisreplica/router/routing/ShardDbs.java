package io.redisreplica.router.routing;

import java.util.Arrays;

/**
 * The db each shard's journal is at, as the entries written so far leave it: an entry that
 * continues in the same db needs no SELECT. -1 means unknown (after a restart, a new snapshot, a
 * failed command or an entry the journal already held): the shard's next entry selects.
 */
final class ShardDbs {
    private final int[] db;

    ShardDbs(int shards) {
        db = new int[shards];
        forget();
    }

    int get(int shard) {
        return db[shard];
    }

    void set(int shard, int value) {
        db[shard] = value;
    }

    /** Every shard's next entry selects. */
    void forget() {
        Arrays.fill(db, -1);
    }

    /** Copies every shard's db into {@code into} (a transaction starts from them). */
    void copyTo(int[] into) {
        System.arraycopy(db, 0, into, 0, db.length);
    }
}
