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
 *
 * <p><b>Pieces.</b> A Chronicle document holds at most 16 MiB, so an entry longer than
 * {@link JournalContext#maxPieceLength()} (a big command, a shard's big transaction) is written as
 * several consecutive documents, its <i>pieces</i>, each with this header and the next run of the
 * entry's bytes:
 *
 * <pre>
 *   piece 1            piece 2                          piece n (last)
 *   CONTINUED          CONTINUATION | CONTINUED   ...   CONTINUATION
 *   [start, e1)        [e1, e2)                         [e(n-1), end)
 * </pre>
 *
 * <ul>
 *   <li>Every piece's end offset is the shard offset after its own bytes, so offsets stay
 *       contiguous document by document; only the first piece's start and the last piece's end
 *       are entry boundaries. An offset at the end of a {@link #FLAG_CONTINUED} piece is inside
 *       the entry: a {@code PSYNC} there gets a full resync, never {@code +CONTINUE}.
 *   <li>Every piece but the last carries the upstream offset of the entry <i>before</i> it (what
 *       the journal held whole before this entry began); the last carries the entry's own. A
 *       writer that dies between pieces thus leaves a tail whose resume point is still right.
 *   <li>The first piece carries the entry's other flags ({@link #FLAG_EPOCH_START}); db is
 *       repeated in every piece.
 *   <li>Pieces are appended in one call and published by one commit: a reader sees all of them
 *       or none. Pieces not followed by their last piece (a writer that died between them) are
 *       <i>abandoned</i>: the writer starts again at the entry's start, and readers skip them.
 *   <li>Retention deletes whole files, so a journal may begin with the tail pieces of an entry
 *       whose head is gone ({@link #FLAG_CONTINUATION} first): they are skipped, and the first
 *       retained entry starts after them.
 * </ul>
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
    /** More pieces of this entry follow: the end of this piece is not an entry boundary. */
    public static final int FLAG_CONTINUED = 4;
    /** This piece continues the entry of the document before it (it is not the entry's first). */
    public static final int FLAG_CONTINUATION = 8;
    /**
     * The entry holds values read from the master (a translated key's DUMP/RESTORE), not a command
     * of the stream as such: stamped with an upstream offset that may fold later commands of the
     * key, so a reader that passes over entries by upstream offset (a sink after a cut-back) keeps it.
     */
    public static final int FLAG_READ = 16;
    /** The flags that say where a piece lies in its entry; a whole entry, as readers return it, has neither. */
    public static final int PIECE_FLAGS = FLAG_CONTINUED | FLAG_CONTINUATION;

    private JournalEntryDescriptor() {
    }
}
