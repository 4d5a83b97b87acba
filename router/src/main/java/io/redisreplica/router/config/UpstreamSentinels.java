package io.redisreplica.router.config;

import java.util.List;

/**
 * {@code upstream-sentinel MASTER_NAME HOST:PORT[,HOST:PORT...]}: the Sentinels the router asks
 * for the master's address, in the order given, with their own credentials
 * ({@code upstream-sentinel-user}, {@code upstream-sentinel-password}; null when they need none).
 *
 * @param masterName the name the sentinels monitor the master under
 */
public record UpstreamSentinels(String masterName, List<HostPort> sentinels, String user, String password) {
    public UpstreamSentinels {
        sentinels = List.copyOf(sentinels);
    }

    UpstreamSentinels withAuth(String user, String password) {
        return new UpstreamSentinels(masterName, sentinels, user, password);
    }

    /** Never the password: this is what logs and INFO show. */
    @Override
    public String toString() {
        return masterName + " " + sentinels;
    }
}
