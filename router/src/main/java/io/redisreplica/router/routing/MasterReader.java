package io.redisreplica.router.routing;

import java.io.IOException;

/**
 * Reads keys from the master on a side connection, atomically with the master's replication
 * offset: what a cross-shard command left in its destination, to send that shard exactly.
 */
public interface MasterReader extends AutoCloseable {
    /**
     * Reads each key's serialized value ({@code DUMP}), its remaining time to live ({@code PTTL})
     * and, for strings when {@code strings} is set, its value, together with the master's
     * replication offset, in one transaction.
     *
     * @param dbs the database of each key
     * @throws IOException when the master cannot be reached or answers with an error
     */
    Read read(int[] dbs, byte[][] keys, boolean strings) throws IOException;

    /**
     * The argument index of each key of {@code c}, as the master finds them ({@code COMMAND
     * GETKEYS}): for a command whose key specs the master marks incomplete (a module's own key
     * callback), where only the master can say.
     *
     * @throws IOException when the master cannot be reached, or cannot say
     */
    default void keys(io.redisreplica.resp.Command c, KeyArgs keys) throws IOException {
        throw new IOException("this reader cannot ask the master for a command's keys");
    }

    /** The master's number of databases ({@code CONFIG GET databases}; 16 where CONFIG is refused). */
    int databases();

    @Override
    void close();

    /**
     * What the master held at {@code offset}.
     *
     * @param dumps each key's DUMP payload, null where the key does not exist
     * @param pttls each key's PTTL: -1 without a time to live, -2 when absent
     * @param strings each key's value when it is a string and strings were asked for, else null
     * @param timeMillis the master's clock at the read ({@code TIME}), 0 when unknown: the PTTLs count from it
     */
    record Read(long offset, byte[][] dumps, long[] pttls, byte[][] strings, long timeMillis) {
        public Read(long offset, byte[][] dumps, long[] pttls, byte[][] strings) {
            this(offset, dumps, pttls, strings, 0);
        }
    }
}
