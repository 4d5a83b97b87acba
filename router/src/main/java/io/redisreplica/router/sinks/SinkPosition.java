package io.redisreplica.router.sinks;

/**
 * How far a sink delivered, as each delivery records it with every batch (in the same MULTI/EXEC,
 * Kafka transaction or atomically replaced file as the batch): the shard offset, the journal's
 * history line the offset belongs to ({@link io.redisreplica.journal.JournalHistory}), and the
 * upstream offset of the last delivered entry with how many entries of that upstream offset were
 * delivered. The offset says where to go on in the same journal; the history says whether it is
 * the same journal; the upstream offset says where to go on in a journal cut back and journaled
 * again, where offsets may have moved.
 *
 * <p>Stored as text, {@code OFFSET HISTORY UPSTREAM ENTRIES}; a value of only {@code OFFSET} (a
 * sink recorded by an earlier version) reads with no history and no upstream offset.
 *
 * @param history the journal line's id, or null when not recorded
 * @param upstreamOffset the upstream offset of the last delivered entry, or -1 when not known
 * @param upstreamEntries entries with that upstream offset delivered (one master command can
 *     make several entries of a shard)
 */
public record SinkPosition(long offset, String history, long upstreamOffset, int upstreamEntries) {

    /** The text a delivery stores. */
    public String format() {
        return history == null ? Long.toString(offset) : offset + " " + history + " " + upstreamOffset + " " + upstreamEntries;
    }

    /**
     * Reads what {@link #format()} wrote, or a bare offset.
     *
     * @throws IllegalArgumentException naming {@code where} when the text is neither
     */
    public static SinkPosition parse(String text, String where) {
        final String[] words = text.trim().split(" ");
        try {
            if (words.length == 1) {
                return new SinkPosition(Long.parseLong(words[0]), null, -1, 0);
            }
            if (words.length == 4) {
                return new SinkPosition(Long.parseLong(words[0]), words[1], Long.parseLong(words[2]), Integer.parseInt(words[3]));
            }
        } catch (NumberFormatException e) {
            // the message below says it
        }
        throw new IllegalArgumentException(where + ": the recorded sink position \"" + text
            + "\" is neither OFFSET nor OFFSET HISTORY UPSTREAM ENTRIES");
    }
}
