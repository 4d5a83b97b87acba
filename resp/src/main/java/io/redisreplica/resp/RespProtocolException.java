package io.redisreplica.resp;

/**
 * The bytes are not valid RESP, or break a configured cap. The message says what and where:
 * {@code bulk length=600000000 at offset=1234 (expected: <= 536870912)}. After this the stream
 * cannot be trusted: the link that read it is closed and reported, nothing is guessed.
 */
public final class RespProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long streamOffset;

    public RespProtocolException(String message, long streamOffset) {
        super(message);
        this.streamOffset = streamOffset;
    }

    /** Offset, in bytes from the start of the stream, of the value that was rejected. */
    public long streamOffset() {
        return streamOffset;
    }
}
