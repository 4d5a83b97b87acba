package io.redisreplica.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The header of one document, a whole entry or one piece of an entry, as {@link
 * JournalEntryDescriptor} lays it out. Read in place: the document's read position does not move.
 *
 * @param endOffset the shard offset after the document's bytes
 * @param upstreamOffset the upstream offset it carries
 * @param length the RESP bytes it holds
 * @param flags its {@code FLAG_*} bits
 */
record EntryHeader(long endOffset, long upstreamOffset, int length, int flags) {
    /** The header of the document {@code dc} holds, or null when there is none. */
    static EntryHeader of(DocumentContext dc) {
        if (!dc.isPresent()) {
            return null;
        }
        final Bytes<?> b = dc.wire().bytes();
        final long p = b.readPosition();
        return new EntryHeader(b.readLong(p + JournalEntryDescriptor.END_OFFSET_OFFSET),
            b.readLong(p + JournalEntryDescriptor.UPSTREAM_OFFSET_OFFSET), b.readInt(p + JournalEntryDescriptor.LENGTH_OFFSET),
            b.readInt(p + JournalEntryDescriptor.FLAGS_OFFSET));
    }

    /** The shard offset where the document's bytes start. */
    long startOffset() {
        return endOffset - length;
    }

    /** More pieces of its entry follow: its end is not an entry boundary. */
    boolean continued() {
        return (flags & JournalEntryDescriptor.FLAG_CONTINUED) != 0;
    }

    /** It continues the entry of the document before it: its start is not an entry boundary. */
    boolean continuation() {
        return (flags & JournalEntryDescriptor.FLAG_CONTINUATION) != 0;
    }
}
