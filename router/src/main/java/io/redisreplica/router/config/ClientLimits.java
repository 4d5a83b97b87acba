package io.redisreplica.router.config;

import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.server.spi.HandshakeLimits;

/**
 * What one listening port (a shard's virtual master, the admin port) lets a client cost before it
 * is trusted, as Redis does for unauthenticated clients ({@code networking.c},
 * {@code processMultibulkBuffer}): at most {@value #PRE_AUTH_MAX_ARGS} arguments and
 * {@value #PRE_AUTH_MAX_BULK} byte bulks before AUTH, small handshake commands after it, a
 * deadline for the replica handshake, and at most {@code maxclients} connections at once
 * ({@code maxclients} in the config). Argument tables grow with the bytes that arrive, so a
 * connection in the handshake costs its ~17 KB read buffer and nothing more. A value: each port
 * counts its connections itself (a shard's in its replication server, the admin port in its
 * {@code ClientSlots}).
 */
public final class ClientLimits {
    /** Redis's limit on an unauthenticated client's multibulk length. */
    static final int PRE_AUTH_MAX_ARGS = HandshakeLimits.PRE_AUTH_MAX_ARGS;
    /** Redis's limit on an unauthenticated client's bulk length. */
    static final int PRE_AUTH_MAX_BULK = HandshakeLimits.PRE_AUTH_MAX_BULK;
    /** Bytes one handshake command may take, headers included; the read buffer holds one whole. */
    public static final int HANDSHAKE_MAX_COMMAND = HandshakeLimits.MAX_COMMAND;

    public static final int DEFAULT_MAX_CLIENTS = 128;
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final int maxClients;
    private final long handshakeTimeoutMillis;

    public ClientLimits(int maxClients, long handshakeTimeoutMillis) {
        this.maxClients = maxClients;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    public static ClientLimits of(RouterConfig config) {
        return new ClientLimits(config.maxClients(), config.handshakeTimeout().toMillis());
    }

    /** Framing before AUTH, when the port has a password (the server module's, which the replica handshake uses). */
    public static RespDecoderContext preAuth() {
        return HandshakeLimits.preAuth();
    }

    /** Framing of the replica handshake (and admin commands): small commands only. */
    public static RespDecoderContext handshake() {
        return HandshakeLimits.handshake();
    }

    public int maxClients() {
        return maxClients;
    }

    /** A connection that has not sent SYNC/PSYNC within this is closed (on the admin port: has not sent its request). */
    public long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }
}
