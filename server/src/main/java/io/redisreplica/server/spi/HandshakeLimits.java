package io.redisreplica.server.spi;

import io.redisreplica.resp.RespDecoderContext;

/**
 * What a connection may send before its SYNC/PSYNC, as Redis limits an unauthenticated client
 * ({@code networking.c}, {@code processMultibulkBuffer}): before AUTH at most
 * {@value #PRE_AUTH_MAX_ARGS} arguments and {@value #PRE_AUTH_MAX_BULK}-byte bulks; after it, or
 * without a password, small handshake commands only. The read buffer holds one whole command
 * ({@value #MAX_COMMAND} bytes), so a connection in the handshake costs about 17 KB and nothing is
 * allocated for what a header announces.
 */
public final class HandshakeLimits {
    /** Redis's limit on an unauthenticated client's multibulk length. */
    public static final int PRE_AUTH_MAX_ARGS = 10;
    /** Redis's limit on an unauthenticated client's bulk length. */
    public static final int PRE_AUTH_MAX_BULK = 16 * 1024;
    /** The replica handshake's longest command (REPLCONF with every capa) is far below this. */
    public static final int HANDSHAKE_MAX_ARGS = 32;
    /** Bytes one handshake command may take, headers included; the read buffer holds one whole. */
    public static final int MAX_COMMAND = 16 * 1024 + 1024;
    public static final int MAX_INLINE = 4 * 1024;

    private HandshakeLimits() {
    }

    /** Framing before AUTH, when the port has a password. */
    public static RespDecoderContext preAuth() {
        return new RespDecoderContext().maxArrayLength(PRE_AUTH_MAX_ARGS).maxBulkLength(PRE_AUTH_MAX_BULK)
            .maxCommandLength(MAX_COMMAND).maxInlineLength(MAX_INLINE);
    }

    /** Framing of the replica handshake after AUTH, or without a password: small commands only. */
    public static RespDecoderContext handshake() {
        return new RespDecoderContext().maxArrayLength(HANDSHAKE_MAX_ARGS).maxBulkLength(PRE_AUTH_MAX_BULK)
            .maxCommandLength(MAX_COMMAND).maxInlineLength(MAX_INLINE);
    }
}
