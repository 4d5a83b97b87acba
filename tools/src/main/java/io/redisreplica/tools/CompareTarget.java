package io.redisreplica.tools;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * What {@code compare} reads keys from: a server ({@link CompareServer}, the master or a shard's
 * replica or replay target) or a Redis Cluster ({@link CompareCluster}, a shard replayed into one).
 * Keys are read in batches ({@link KeyDigest}); one thread.
 */
interface CompareTarget extends AutoCloseable {
    /** A page of keys a SCAN returned. */
    interface Page {
        void on(List<byte[]> keys) throws IOException;
    }

    /** The dbs that hold keys. */
    Set<Integer> dbs() throws IOException;

    /** Whether it can hold keys of {@code db} at all (a cluster has only db 0). */
    boolean holds(int db);

    /** SCANs every key of {@code db}, a page at a time. */
    void scan(int db, Page page) throws IOException;

    List<KeyDigest.Reading> read(int db, List<byte[]> keys) throws IOException;

    boolean[] exist(int db, List<byte[]> keys) throws IOException;

    @Override
    void close() throws IOException;
}
