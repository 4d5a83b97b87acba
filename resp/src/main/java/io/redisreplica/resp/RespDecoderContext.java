package io.redisreplica.resp;

/**
 * Caps and sizes for {@link RespDecoder} and {@link CommandFramer}. Defaults follow Redis's own
 * ({@code proto-max-bulk-len} 512 MiB, 64 KiB inline requests, 1M-element multibulks).
 */
public final class RespDecoderContext {
    /** Redis's proto-max-bulk-len default. */
    public static final long DEFAULT_MAX_BULK_LENGTH = 512L * 1024 * 1024;
    public static final int DEFAULT_MAX_ARRAY_LENGTH = 1024 * 1024;
    /** Redis's PROTO_INLINE_MAX_SIZE; also bounds every header line. */
    public static final int DEFAULT_MAX_INLINE_LENGTH = 64 * 1024;
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
    public static final int DEFAULT_MAX_DEPTH = 32;
    public static final int DEFAULT_MAX_COMMAND_LENGTH = 8 * 1024 * 1024;

    private long maxBulkLength = DEFAULT_MAX_BULK_LENGTH;
    private int maxArrayLength = DEFAULT_MAX_ARRAY_LENGTH;
    private int maxInlineLength = DEFAULT_MAX_INLINE_LENGTH;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int maxDepth = DEFAULT_MAX_DEPTH;
    private int maxCommandLength = DEFAULT_MAX_COMMAND_LENGTH;

    /**
     * Caps for commands already framed once under the caps that protect the process (the master's
     * stream): journal entries read back, and commands the router writes from them. Only the
     * size of one Java array bounds them, so a command the router took is never refused later.
     */
    public static RespDecoderContext preChecked() {
        return new RespDecoderContext().maxBulkLength(Integer.MAX_VALUE).maxCommandLength(Integer.MAX_VALUE - 16);
    }

    public long maxBulkLength() {
        return maxBulkLength;
    }

    /** Longest bulk string accepted. */
    public RespDecoderContext maxBulkLength(long value) {
        this.maxBulkLength = value;
        return this;
    }

    public int maxArrayLength() {
        return maxArrayLength;
    }

    /** Most elements in one aggregate (array, set, push; pairs for maps). */
    public RespDecoderContext maxArrayLength(int value) {
        this.maxArrayLength = value;
        return this;
    }

    public int maxInlineLength() {
        return maxInlineLength;
    }

    /** Longest line: an inline command, a simple string or error, or a header. */
    public RespDecoderContext maxInlineLength(int value) {
        this.maxInlineLength = value;
        return this;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /**
     * Bulk strings up to this size are delivered whole, as one view; longer ones are streamed as
     * chunks of whatever arrived. Callers' receive buffers must hold at least this much plus a
     * header.
     */
    public RespDecoderContext chunkSize(int value) {
        this.chunkSize = value;
        return this;
    }

    public int maxDepth() {
        return maxDepth;
    }

    /** Deepest nesting of aggregates. */
    public RespDecoderContext maxDepth(int value) {
        this.maxDepth = value;
        return this;
    }

    public int maxCommandLength() {
        return maxCommandLength;
    }

    /** Largest command, in bytes, that {@link CommandFramer} frames whole. */
    public RespDecoderContext maxCommandLength(int value) {
        this.maxCommandLength = value;
        return this;
    }

    /**
     * Checks the values fit together.
     *
     * @return this
     * @throws IllegalArgumentException naming the value that does not fit
     */
    public RespDecoderContext conclude() {
        require(maxBulkLength > 0, "maxBulkLength must be > 0, was " + maxBulkLength);
        require(maxArrayLength > 0, "maxArrayLength must be > 0, was " + maxArrayLength);
        require(maxInlineLength >= 64, "maxInlineLength must be >= 64, was " + maxInlineLength);
        require(chunkSize >= 16, "chunkSize must be >= 16, was " + chunkSize);
        require(maxDepth >= 1, "maxDepth must be >= 1, was " + maxDepth);
        require(maxCommandLength >= 64, "maxCommandLength must be >= 64, was " + maxCommandLength);
        return this;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
