package io.redisreplica.router.config;

import java.util.List;

/**
 * {@code upstream-sentinel MASTER_NAME HOST:PORT[,HOST:PORT...]}: the Sentinels the router asks
 * for the master's address, in the order given, with their own credentials
 * ({@code upstream-sentinel-user}, {@code upstream-sentinel-password}; null when they need none)
 * and whether they are asked over TLS ({@code upstream-sentinel-tls}, with the config's
 * {@code tls-*} files, as the master link).
 *
 * @param masterName the name the sentinels monitor the master under
 * @param tls the sentinels' addresses are their {@code tls-port}s
 */
public record UpstreamSentinels(String masterName, List<HostPort> sentinels, String user, String password, boolean tls) {
    public UpstreamSentinels {
        sentinels = List.copyOf(sentinels);
    }

    /** With the lines read after {@code upstream-sentinel}: credentials and TLS. */
    UpstreamSentinels with(String user, String password, boolean tls) {
        return new UpstreamSentinels(masterName, sentinels, user, password, tls);
    }

    /** Never the password: this is what logs and INFO show. */
    @Override
    public String toString() {
        return masterName + " " + sentinels + (tls ? " (TLS)" : "");
    }
}
