package io.redisreplica.rdb;

/**
 * The RDB is corrupt, truncated, of a future version, or fails its checksum. The message names
 * the byte offset, the opcode or type, and the key when one was being read:
 * {@code unknown value type 107 at offset 280 (db 0)}.
 */
public final class RdbFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    public RdbFormatException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    public RdbFormatException(String message, long offset, Throwable cause) {
        super(message, cause);
        this.offset = offset;
    }

    /** Byte offset in the RDB where the problem was found. */
    public long offset() {
        return offset;
    }
}
