package io.redisreplica.router.upstream;

import java.io.IOException;
import java.util.List;

import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespError;
import io.redisreplica.router.config.HostPort;
import io.redisreplica.router.config.UpstreamSentinels;

/**
 * Asks the sentinels for the master's address ({@code SENTINEL get-master-addr-by-name}), each in
 * turn, starting with the one after the last that failed or named a node that was not the master:
 * a sentinel that is down or behind the others' failover does not hold the link back.
 */
final class SentinelAsk {
    private static final int READ_TIMEOUT_MS = 2000;

    /** The master's address and the sentinel that named it. */
    record Answer(HostPort sentinel, HostPort master) {
    }

    private final SentinelClients clients;
    private final UpstreamSentinels sentinels;
    /** Where the next question starts: the sentinel after the last one that was no help. */
    private int next;

    SentinelAsk(SentinelClients clients) {
        this.clients = clients;
        this.sentinels = clients.sentinels();
    }

    /** @throws IOException naming each sentinel and what it answered, when none named a master */
    Answer master() throws IOException {
        final StringBuilder failures = new StringBuilder();
        final List<HostPort> all = sentinels.sentinels();
        for (int i = 0; i < all.size(); i++) {
            final HostPort sentinel = all.get((next + i) % all.size());
            try (RespClient c = clients.client(sentinel, READ_TIMEOUT_MS).connect()) {
                final Object reply = c.request("SENTINEL", "get-master-addr-by-name", sentinels.masterName());
                if (reply instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String host && l.get(1) instanceof String port) {
                    next = (next + i) % all.size();
                    return new Answer(sentinel, new HostPort(host, Integer.parseInt(port)));
                }
                failures.append("; ").append(sentinel).append(": ").append(reply == null ? "no master named "
                    + sentinels.masterName() : describe(reply));
            } catch (IOException e) {
                final IOException told = clients.withTlsHint(e); // each question is a connection's first exchange
                failures.append("; ").append(sentinel).append(": ").append(told.getMessage() == null ? told.toString() : told.getMessage());
            } catch (NumberFormatException e) {
                failures.append("; ").append(sentinel).append(": ").append(e.getMessage());
            }
        }
        throw new IOException("no sentinel named the master " + sentinels.masterName() + failures);
    }

    /** The sentinel that answered last named a node that is not the master: the next question goes to the next one. */
    void passOver() {
        next = (next + 1) % sentinels.sentinels().size();
    }

    private static String describe(Object reply) {
        return reply instanceof RespError e ? "-" + e.message() : String.valueOf(reply);
    }
}
