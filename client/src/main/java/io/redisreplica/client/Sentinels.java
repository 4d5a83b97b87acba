package io.redisreplica.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

import io.redisreplica.resp.Dialer;
import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespClientContext;
import io.redisreplica.resp.RespError;

/**
 * Finds the master through Redis Sentinel: each sentinel in turn is asked {@code SENTINEL
 * get-master-addr-by-name}, and the first answer is the master to connect to. Ask again after a
 * link fails: after a failover the new master continues the stream ({@code PSYNC} with the same
 * replid and offset, Redis 4+), so a stored {@link ReplicationClient.Position} stays good.
 *
 * <p>Sentinels that listen with TLS ({@code tls-port}) are asked over TLS with {@link
 * #sockets(SocketFactory) sockets(SSLSocketFactory)}: its context trusts their certificates (and
 * shows a client certificate to sentinels with {@code tls-auth-clients yes}), and the certificate
 * must name the host dialled, as the master link checks the master's. The master's own TLS is set
 * on the options {@link #locate} is given ({@link ReplicationClient.Options#sockets}): sentinels
 * that monitor the master's TLS port ({@code tls-replication yes}) name it, and a promoted
 * replica's TLS port after a failover.
 *
 * <pre>{@code
 * Sentinels sentinels = new Sentinels(List.of("10.0.0.7:26379", "10.0.0.8:26379"), "mymaster", null, null);
 * ReplicationClient client = ReplicationClient.connect(sentinels.locate(ReplicationClient.options("", 0)), stored);
 * JournaledClient journaled = JournaledClient.open(sentinels, ReplicationClient.options("", 0), journal); // asks at every connect
 * Sentinels overTls = sentinels.sockets(tls.getSocketFactory());          // an SSLContext trusting the sentinels' CA
 * }</pre>
 *
 * @param addresses the sentinels, as {@code HOST:PORT}
 * @param masterName the name the sentinels monitor the master as
 * @param user the sentinels' ACL user (null: the default user)
 * @param password the sentinels' password ({@code requirepass} of the sentinels; null: no AUTH)
 * @param sockets plain, or an {@code SSLSocketFactory} for sentinels that listen with TLS
 */
public record Sentinels(List<String> addresses, String masterName, String user, String password, SocketFactory sockets) {
    private static final int TIMEOUT_MILLIS = 2_000;
    /** No reply of get-master-addr-by-name is near this long. */
    private static final int MAX_REPLY = 64 * 1024;

    /**
     * Checks the addresses: at least one, each {@code HOST:PORT}.
     *
     * @param addresses the sentinels, as {@code HOST:PORT}
     * @param masterName the name the sentinels monitor the master as
     * @param user the sentinels' ACL user (null: the default user)
     * @param password the sentinels' password (null: no AUTH)
     * @param sockets plain, or an {@code SSLSocketFactory} for sentinels that listen with TLS
     */
    public Sentinels {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no sentinel address");
        }
        for (String a : addresses) {
            if (a.lastIndexOf(':') <= 0) {
                throw new IllegalArgumentException("sentinel address '" + a + "' is not HOST:PORT");
            }
        }
        if (sockets == null) {
            throw new IllegalArgumentException("no socket factory (SocketFactory.getDefault() for plain TCP)");
        }
    }

    /**
     * Sentinels asked over plain TCP.
     *
     * @param addresses the sentinels, as {@code HOST:PORT}
     * @param masterName the name the sentinels monitor the master as
     * @param user the sentinels' ACL user (null: the default user)
     * @param password the sentinels' password (null: no AUTH)
     */
    public Sentinels(List<String> addresses, String masterName, String user, String password) {
        this(addresses, masterName, user, password, SocketFactory.getDefault());
    }

    /**
     * The same sentinels over other sockets.
     *
     * @param sockets an {@code SSLSocketFactory} for sentinels that listen with TLS
     * @return new sentinels
     */
    public Sentinels sockets(SocketFactory sockets) {
        return new Sentinels(addresses, masterName, user, password, sockets);
    }

    /**
     * The master the sentinels name now, as {@code template} with its host and port.
     *
     * @param template how to connect to the master (AUTH, TLS, limits); its host and port are replaced
     * @return options for {@link ReplicationClient#connect}
     * @throws IOException when no sentinel answers with an address (each one's failure is in the
     *     message: refused, a TLS handshake that failed and why, an AUTH refused, no such master)
     */
    public ReplicationClient.Options locate(ReplicationClient.Options template) throws IOException {
        final Dialer dialer = sockets instanceof SSLSocketFactory tls ? Dialer.tls(tls, true) : Dialer.PLAIN;
        final List<String> failures = new ArrayList<>();
        for (String address : addresses) {
            final int colon = address.lastIndexOf(':');
            try (RespClient sentinel = RespClient.open(new RespClientContext()
                .address(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))).peer("sentinel")
                .dialer(dialer).connectTimeoutMillis(TIMEOUT_MILLIS).readTimeoutMillis(TIMEOUT_MILLIS).maxReply(MAX_REPLY)
                .auth(user, password))) {
                final Object reply = sentinel.request("SENTINEL", "get-master-addr-by-name", masterName);
                if (reply instanceof List<?> hostPort && hostPort.size() == 2 && hostPort.get(0) instanceof String host
                    && hostPort.get(1) instanceof String port) {
                    return template.address(host, Integer.parseInt(port));
                }
                failures.add(address + ": " + (reply instanceof RespError e ? "-" + e.message() : "does not know master " + masterName));
            } catch (IOException | RuntimeException e) {
                failures.add(address + ": " + e.getMessage()); // the message names no password: AUTH's arguments are never echoed
            }
        }
        throw new IOException("no sentinel named the master " + masterName + ": " + String.join("; ", failures));
    }

    /** Never the password: sentinels end up in logs. */
    @Override
    public String toString() {
        return "Sentinels[" + masterName + " at " + String.join(",", addresses) + (user == null ? "" : " user " + user)
            + (password == null ? "" : " with a password") + ", " + sockets.getClass().getSimpleName() + "]";
    }
}
