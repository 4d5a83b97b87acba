package io.redisreplica.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the master through Redis Sentinel: each sentinel in turn is asked {@code SENTINEL
 * get-master-addr-by-name}, and the first answer is the master to connect to. Ask again after a
 * link fails: after a failover the new master continues the stream ({@code PSYNC} with the same
 * replid and offset, Redis 4+), so a stored {@link ReplicationClient.Position} stays good.
 *
 * <pre>{@code
 * Sentinels sentinels = new Sentinels(List.of("10.0.0.7:26379", "10.0.0.8:26379"), "mymaster", null, null);
 * ReplicationClient client = ReplicationClient.connect(sentinels.locate(ReplicationClient.options("", 0)), stored);
 * JournaledClient journaled = JournaledClient.open(sentinels, ReplicationClient.options("", 0), journal); // asks at every connect
 * }</pre>
 *
 * @param addresses the sentinels, as {@code HOST:PORT}
 * @param masterName the name the sentinels monitor the master as
 * @param user the sentinels' ACL user (null: the default user)
 * @param password the sentinels' password ({@code requirepass} of the sentinels; null: no AUTH)
 */
public record Sentinels(List<String> addresses, String masterName, String user, String password) {
    private static final int TIMEOUT_MILLIS = 2_000;

    /**
     * Checks the addresses: at least one, each {@code HOST:PORT}.
     *
     * @param addresses the sentinels, as {@code HOST:PORT}
     * @param masterName the name the sentinels monitor the master as
     * @param user the sentinels' ACL user (null: the default user)
     * @param password the sentinels' password (null: no AUTH)
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
    }

    /**
     * The master the sentinels name now, as {@code template} with its host and port.
     *
     * @param template how to connect to the master (AUTH, TLS, limits); its host and port are replaced
     * @return options for {@link ReplicationClient#connect}
     * @throws IOException when no sentinel answers with an address (each one's failure is in the message)
     */
    public ReplicationClient.Options locate(ReplicationClient.Options template) throws IOException {
        final List<String> failures = new ArrayList<>();
        for (String address : addresses) {
            final int colon = address.lastIndexOf(':');
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                    TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                final MasterHandshake sentinel = new MasterHandshake(socket.getInputStream(), socket.getOutputStream());
                sentinel.greet(user, password);
                if (sentinel.query("SENTINEL", "get-master-addr-by-name", masterName) instanceof List<?> hostPort && hostPort.size() == 2
                    && hostPort.get(0) instanceof String host && hostPort.get(1) instanceof String port) {
                    return template.address(host, Integer.parseInt(port));
                }
                failures.add(address + ": does not know master " + masterName);
            } catch (IOException | RuntimeException e) {
                failures.add(address + ": " + e.getMessage()); // the message names no password: AUTH's arguments are never echoed
            }
        }
        throw new IOException("no sentinel named the master " + masterName + ": " + String.join("; ", failures));
    }
}
