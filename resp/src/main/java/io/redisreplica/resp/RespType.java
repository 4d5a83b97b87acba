package io.redisreplica.resp;

/** RESP value types, with the byte that introduces each on the wire. */
public enum RespType {
    SIMPLE_STRING('+'),
    ERROR('-'),
    INTEGER(':'),
    BULK_STRING('$'),
    ARRAY('*'),
    // RESP3
    NULL('_'),
    DOUBLE(','),
    BOOLEAN('#'),
    BLOB_ERROR('!'),
    VERBATIM_STRING('='),
    BIG_NUMBER('('),
    MAP('%'),
    SET('~'),
    ATTRIBUTE('|'),
    PUSH('>');

    private static final RespType[] BY_PREFIX = new RespType[128];

    static {
        for (RespType type : values()) {
            BY_PREFIX[type.prefix] = type;
        }
    }

    private final byte prefix;

    RespType(char prefix) {
        this.prefix = (byte) prefix;
    }

    /** The byte that starts a value of this type. */
    public byte prefix() {
        return prefix;
    }

    /** The type a prefix byte introduces, or null when it is not a RESP type (an inline command). */
    public static RespType ofPrefix(byte b) {
        return b < 0 ? null : BY_PREFIX[b]; // mask: bytes 0x80+ are negative and never a type
    }

    /** Types whose header is followed by a length-prefixed body. */
    public boolean isBlob() {
        return this == BULK_STRING || this == BLOB_ERROR || this == VERBATIM_STRING;
    }

    /** Types whose header is followed by a count of nested values. */
    public boolean isAggregate() {
        return this == ARRAY || this == MAP || this == SET || this == ATTRIBUTE || this == PUSH;
    }

    /** Nested values per counted element: maps and attributes count pairs. */
    public int elementsPerCount() {
        return this == MAP || this == ATTRIBUTE ? 2 : 1;
    }
}
