package io.redisreplica.server;

/**
 * One replica connection as the server sees it now (what Redis's {@code INFO replication} lists
 * as {@code slaveN}): a value, read from what the session publishes.
 *
 * @param address the replica's IP address
 * @param port the connection's remote port
 * @param listeningPort the port it announced ({@code REPLCONF listening-port}), 0 when none
 * @param state where its session is
 * @param startOffset the offset its stream started from: the PSYNC offset it continued from
 *     ({@code +CONTINUE}) or the offset of the snapshot it was sent, -1 before either. Until its
 *     first ACK this is what it is known to hold: a source that keeps its journal for its replicas
 *     keeps it from here (what was sent may end inside a command, and the replica may have lost
 *     what it was sent with its link). A SYNC replica (no PSYNC) never ACKs and cannot resume:
 *     for it this is {@code sentOffset}, as it moves
 * @param sentOffset the offset up to which the stream was written to its socket, -1 before its sync
 * @param ackedOffset the last offset it acknowledged ({@code REPLCONF ACK}), -1 before the first
 * @param lagBytes the source's end offset minus {@code ackedOffset}, -1 before the first ACK
 * @param lastAckMillisAgo milliseconds since its last ACK (Redis's {@code lag}, in ms), -1 before the first
 * @param badAcks {@code REPLCONF ACK}s ignored because they were negative or beyond what was
 *     sent (a confused or hostile replica: it would show a negative lag and never pause)
 * @param lagMillis at its last ACK sample (about every 100 ms), how long ago the oldest data it
 *     had not acknowledged was appended ({@link ReplicationSource#lagMillis}); -1 before the first
 *     sample or when the source keeps no append times
 * @param lagStats those samples over the last minute and since it streams
 */
public record ReplicaStatus(String address, int port, int listeningPort, State state, long startOffset, long sentOffset, long ackedOffset,
    long lagBytes, long lastAckMillisAgo, long badAcks, double lagMillis, LagStats lagStats) {

    /** A replica session's states. */
    public enum State {
        /** Before its SYNC or PSYNC. */
        HANDSHAKE,
        /** Waiting for a snapshot the source does not have yet. */
        WAIT_SNAPSHOT,
        /** Receiving the snapshot. */
        FULL_SYNC,
        /**
         * Received the whole snapshot of a full resync (PSYNC) and sent no {@code REPLCONF ACK}
         * yet: it loads the snapshot (the stream after it is written to it meanwhile); its first
         * ACK makes it {@link #STREAMING}. Never {@link #PAUSED}: loading a large snapshot takes
         * minutes and is no stall. A replica that sent SYNC never ACKs and streams at once.
         */
        LOADING,
        /** Receiving the stream and acknowledging it (after {@code +CONTINUE}: acknowledged or not yet). */
        STREAMING,
        /**
         * Behind and no ACK progress for the stall timeout (frozen, or its socket stopped taking
         * bytes): its session waits on that socket and holds no data; it streams again when it
         * acknowledges again.
         */
        PAUSED,
        /**
         * Refused by the {@link ReplicaPolicy} (held before its refusal), or dropped by it after
         * its failure; the connection ends.
         */
        DROPPED,
        /** The connection ended. */
        CLOSED
    }

    /** {@code address:listeningPort} (the connection's port when none was announced): how Redis names a replica. */
    public String name() {
        return address + ":" + (listeningPort > 0 ? listeningPort : port);
    }
}
