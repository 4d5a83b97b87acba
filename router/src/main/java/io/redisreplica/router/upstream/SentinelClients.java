package io.redisreplica.router.upstream;

import java.io.IOException;

import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespClientContext;
import io.redisreplica.router.config.HostPort;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.config.UpstreamSentinels;
import io.redisreplica.router.tls.SocketFactory;
import io.redisreplica.router.tls.TlsContexts;

/**
 * How the router reaches its Sentinels: their addresses and credentials, and plain TCP or TLS
 * ({@code upstream-sentinel-tls yes}: the config's {@code tls-*} files, client certificate and
 * {@code tls-verify-hostname} as the master link uses them, reloaded when they change; a tool's
 * {@code --tls}, {@code --cacert}, {@code --cert} and {@code --key} over them). Shared by
 * the questions ({@link SentinelAsk}, the link's thread) and the watcher ({@link SentinelWatcher},
 * its own thread): it holds no state of a conversation, and {@link SocketFactory} may be used from any thread.
 */
final class SentinelClients {
    private static final int CONNECT_TIMEOUT_MS = 2000;
    /** No Sentinel reply we read is near this long. */
    private static final int MAX_REPLY = 1 << 20;

    private final UpstreamSentinels sentinels;
    private final SocketFactory sockets;

    SentinelClients(UpstreamSentinels sentinels, SocketFactory sockets) {
        this.sentinels = sentinels;
        this.sockets = sockets;
    }

    /**
     * The config's sentinels, or null without {@code upstream-sentinel}. With TLS the files are
     * loaded now, so a config whose files do not load fails at start, as {@code upstream-tls} does.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    static SentinelClients of(RouterConfig config) throws IOException {
        final UpstreamSentinels s = config.sentinels();
        if (s == null) {
            return null;
        }
        return new SentinelClients(s, s.tls() ? SocketFactory.of(new TlsContexts(config.tls(), "sentinels")) : SocketFactory.plain());
    }

    /**
     * The config's sentinels reached through {@code sockets} (a tool's, made from its command line
     * and the config's files), or null without {@code upstream-sentinel}.
     */
    static SentinelClients of(RouterConfig config, SocketFactory sockets) {
        final UpstreamSentinels s = config.sentinels();
        return s == null ? null : new SentinelClients(s, sockets);
    }

    UpstreamSentinels sentinels() {
        return sentinels;
    }

    /**
     * A client of one Sentinel, not yet connected (so that a close from another thread can end its
     * connect or handshake): it AUTHs with the sentinel credentials, and its replies wait at most
     * {@code readTimeoutMs}. Its errors name {@code sentinel HOST:PORT} and, for TLS, why the
     * handshake failed; never the password.
     */
    RespClient client(HostPort sentinel, int readTimeoutMs) {
        return new RespClient(new RespClientContext().address(sentinel.host(), sentinel.port()).peer("sentinel").dialer(sockets)
            .connectTimeoutMillis(CONNECT_TIMEOUT_MS).readTimeoutMillis(readTimeoutMs).maxReply(MAX_REPLY)
            .auth(sentinels.user(), sentinels.password()));
    }

    /**
     * {@code e}, the failure of a connection's first exchange with a sentinel, with {@link TlsPortHint#SENTINEL}
     * when it was asked in plain and failed as a TLS-only port fails a plain client
     * ({@link TlsPortHint#looksLikeTlsPort}). Else {@code e}.
     */
    IOException withTlsHint(IOException e) {
        if (sockets.isTls() || !TlsPortHint.looksLikeTlsPort(e)) {
            return e;
        }
        return new IOException((e.getMessage() == null ? e.toString() : e.getMessage()) + TlsPortHint.SENTINEL, e);
    }
}
