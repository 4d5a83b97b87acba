package io.redisreplica.journal;

/** Where a requested shard offset lies in the journal. */
public enum SeekResult {
    /** At an entry boundary (or the end): a PSYNC may continue here. */
    BOUNDARY,
    /** Inside an entry: continuing would split a command; the receiver needs a full resync. */
    NOT_BOUNDARY,
    /** Before the first retained entry: trimmed by retention, or from an older epoch. */
    BEFORE_START,
    /** After the end of the journal: the receiver claims data we never sent. */
    BEYOND_END
}
