package io.redisreplica.journal;

/**
 * Layout of one journal entry, the body of one Chronicle document (little-endian):
 *
 * <pre>
 *   0                   8                   16        20        24        28
 *   +-------------------+-------------------+---------+---------+---------+----------------------+
 *   | end offset        | upstream offset   | db      | flags   | length  | RESP bytes (length)  |
 *   +-------------------+-------------------+---------+---------+---------+----------------------+
 * </pre>
 *
 * <ul>
 *   <li><b>end offset</b>: the shard's replication offset after this entry, what a downstream
 *       replica reports in {@code REPLCONF ACK}. The entry starts at {@code end - length}; a
 *       {@code PSYNC} may continue only at such a boundary.
 *   <li><b>upstream offset</b>: the master's replication offset at the end of the command that
 *       produced this entry, so the router knows where to resume upstream.
 *   <li><b>db</b>: the database the entry applies to.
 *   <li><b>flags</b>: see the {@code FLAG_*} constants.
 *   <li><b>length</b>: bytes of RESP that follow, sent downstream exactly as stored.
 * </ul>
 *
 * A document is complete or absent: Chronicle writes its length word last, so a crash mid-append
 * leaves an incomplete header that readers never see as an entry.
 */
public final class JournalEntryDescriptor {
    public static final int END_OFFSET_OFFSET = 0;
    public static final int UPSTREAM_OFFSET_OFFSET = 8;
    public static final int DB_OFFSET = 16;
    public static final int FLAGS_OFFSET = 20;
    public static final int LENGTH_OFFSET = 24;
    public static final int HEADER_LENGTH = 28;

    /** The entry is a keep-alive or other traffic the shard's replicas count but do not apply. */
    public static final int FLAG_NO_KEY = 1;
    /** The entry opens a new snapshot epoch: receivers before it need a full resync. */
    public static final int FLAG_EPOCH_START = 2;

    private JournalEntryDescriptor() {
    }
}
