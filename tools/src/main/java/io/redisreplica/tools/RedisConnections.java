package io.redisreplica.tools;

import java.io.IOException;

import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespClientContext;
import io.redisreplica.router.tls.SocketFactory;

/** Opens a tool's {@link RespClient} to a Redis (or the router's admin port) and AUTHs, with errors that name what and where. */
final class RedisConnections {
    private RedisConnections() {
    }

    /** A plain connection without AUTH, its replies as text (the demo's own servers). */
    static RespClient open(String host, int port) throws IOException {
        return RespClient.open(new RespClientContext().address(host, port));
    }

    /**
     * @param what names the server in errors ("master", "shard s0")
     * @param binary bulk replies as bytes (keys and values) instead of text
     */
    static RespClient open(String host, int port, String user, String password, String what, boolean binary) throws IOException {
        return open(host, port, user, password, what, binary, SocketFactory.plain());
    }

    /**
     * @param sockets plain, or TLS ({@link TlsOptions}): a failed handshake names the server and why
     * @throws IOException {@code "WHAT at HOST:PORT: why"} when it cannot connect, {@code "WHAT HOST:PORT refused AUTH: reply"}
     */
    static RespClient open(String host, int port, String user, String password, String what, boolean binary, SocketFactory sockets)
        throws IOException {
        final RespClient c;
        try {
            c = RespClient.open(new RespClientContext().address(host, port).peer(what).dialer(sockets).binary(binary));
        } catch (IOException e) {
            throw new IOException(what + " at " + host + ":" + port + ": " + e.getMessage(), e);
        }
        if (password != null) {
            try {
                c.auth(user, password);
            } catch (IOException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }
}
