package io.redisreplica.journal;

import org.agrona.DirectBuffer;

/**
 * A read entry, as a flyweight: reused by {@link JournalReader#next(JournalEntry)} and valid until
 * the next call. The layout is in {@link JournalEntryDescriptor}.
 */
public final class JournalEntry {
    private long endOffset;
    private long upstreamOffset;
    private int db;
    private int flags;
    private long index;
    private DirectBuffer payload;
    private int payloadOffset;
    private int payloadLength;

    JournalEntry set(long endOffset, long upstreamOffset, int db, int flags, long index, DirectBuffer payload,
                     int payloadOffset, int payloadLength) {
        this.endOffset = endOffset;
        this.upstreamOffset = upstreamOffset;
        this.db = db;
        this.flags = flags;
        this.index = index;
        this.payload = payload;
        this.payloadOffset = payloadOffset;
        this.payloadLength = payloadLength;
        return this;
    }

    /** The shard's replication offset after this entry. */
    public long endOffset() {
        return endOffset;
    }

    /** The shard's replication offset where this entry starts: a valid PSYNC offset. */
    public long startOffset() {
        return endOffset - payloadLength;
    }

    public long upstreamOffset() {
        return upstreamOffset;
    }

    public int db() {
        return db;
    }

    public int flags() {
        return flags;
    }

    /** Position in the underlying queue, for tools that print it. */
    public long index() {
        return index;
    }

    /** The RESP bytes, sent downstream exactly as stored. */
    public DirectBuffer payload() {
        return payload;
    }

    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    @Override
    public String toString() {
        return "entry[" + startOffset() + ".." + endOffset + " upstream=" + upstreamOffset + " db=" + db
            + " flags=" + flags + " length=" + payloadLength + "]";
    }
}
