package io.redisreplica.tools;

import java.io.IOException;

import io.redisreplica.resp.RespError;
import io.redisreplica.router.sinks.RedisConnection;
import io.redisreplica.router.tls.SocketFactory;

/** Opens a tool's connection to a Redis (or the router's admin port) and AUTHs, with errors that name what and where. */
final class RedisConnections {
    private RedisConnections() {
    }

    /**
     * @param what names the server in errors ("master", "shard s0")
     * @param binary bulk replies as bytes (keys and values) instead of text
     */
    static RedisConnection open(String host, int port, String user, String password, String what, boolean binary) throws IOException {
        return open(host, port, user, password, what, binary, SocketFactory.plain());
    }

    /** @param sockets plain, or TLS ({@link TlsOptions}): a failed handshake names the server and why */
    static RedisConnection open(String host, int port, String user, String password, String what, boolean binary, SocketFactory sockets)
        throws IOException {
        final RedisConnection c;
        try {
            c = binary ? RedisConnection.binary(host, port, sockets, what) : new RedisConnection(host, port, sockets, what);
        } catch (IOException e) {
            throw new IOException(what + " at " + host + ":" + port + ": " + e.getMessage(), e);
        }
        if (password != null) {
            final Object reply = user == null ? c.request("AUTH", password) : c.request("AUTH", user, password);
            if (reply instanceof RespError e) {
                c.close();
                throw new IOException(what + " at " + host + ":" + port + " refused AUTH: " + e.message());
            }
        }
        return c;
    }
}
