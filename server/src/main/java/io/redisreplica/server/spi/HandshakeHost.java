package io.redisreplica.server.spi;

/**
 * What a {@link ReplicaHandshake} asks of the listener it runs for: its password and deadline,
 * and the answers to {@code INFO} and {@code ROLE}, which show the listener's replicas and
 * offsets. Implemented by {@code ReplicationServer}'s sessions and by the router's virtual masters.
 */
public interface HandshakeHost {
    /** The password AUTH must give, null for none (then AUTH is an error, as in Redis without {@code requirepass}). */
    String password();

    /** A connection that has not sent SYNC or PSYNC within this is closed. */
    long handshakeTimeoutMillis();

    /** The body of {@code INFO}'s bulk reply (its {@code # Replication} section, CRLF lines). */
    String info();

    /** {@code ROLE}'s whole reply, in RESP. */
    String role();

    /**
     * The error line (with its CRLF) for a command the handshake does not know.
     *
     * @param safeName the command's name, upper case, made safe to echo ({@link SafeText})
     */
    String unknownCommand(String safeName);
}
