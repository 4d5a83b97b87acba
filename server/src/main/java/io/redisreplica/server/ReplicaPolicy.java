package io.redisreplica.server;

import java.util.Objects;

/**
 * Which replicas a {@link ReplicationServer} lets sync, and what their failures cost them: the
 * server asks {@link #admit} before it decides each SYNC or PSYNC, tells {@link #failed} of
 * each failure of a replica's sync and {@link #loaded} of each snapshot a replica acknowledged. {@link #ALLOW_ALL} (the default) lets every replica in and
 * counts nothing; {@link DropPolicy} drops a replica that keeps failing.
 *
 * <p>A replica is named as Redis names it, {@code ip:listening-port} ({@link ReplicaStatus#name()}),
 * so it is known again across its connections. What counts as a failure: its link ends while it
 * receives its snapshot, or it closes after the whole snapshot without acknowledging it (a
 * replica that cannot load an RDB, an older version or a full disk, does that, and would
 * otherwise get the snapshot again and again). A failure of the source is not the replica's, nor
 * is an end the server makes (closing, a new history). A connection that claims the name of a
 * replica streaming on another connection is not that replica (one replica has one link): its
 * failures count against its address as broken handshakes ({@link ReplicationServer#protocolFailures()}),
 * never here, so without a password no client can get a healthy replica dropped.
 *
 * <p>Called from the sessions' threads at once: implementations are thread-safe and quick (no I/O).
 * Whatever a policy throws is reported to the {@link ServerListener}: from {@link #admit} the
 * replica is then held a second and refused, so it retries at a second's pace, not in a loop; from
 * {@link #failed} it counts as not dropped; from {@link #loaded} a full resync it owes stays owed.
 * {@link #loaded} hears of whichever connection acknowledged a snapshot under the replica's name:
 * without a password a client may claim any name, so a policy that trusts it can be fooled as
 * the names themselves can.
 * Rdb-only clients ({@code redis-cli --rdb}) are neither admitted nor counted: they sync nothing.
 */
public interface ReplicaPolicy {
    /** Lets every replica sync, counts nothing. */
    ReplicaPolicy ALLOW_ALL = new ReplicaPolicy() {
        @Override
        public String toString() {
            return "ReplicaPolicy.ALLOW_ALL";
        }
    };

    /** What the policy says of a replica's sync before it is decided. */
    default Admission admit(String replica) {
        return Admission.ALLOW;
    }

    /**
     * A failure of {@code replica}'s sync.
     *
     * @param why what failed, for the policy's log
     * @return whether the replica is dropped now: its session ends {@link ReplicaStatus.State#DROPPED}
     */
    default boolean failed(String replica, String why) {
        return false;
    }

    /**
     * {@code replica} acknowledged the whole snapshot of a full resync (its first {@code REPLCONF
     * ACK} at or past the snapshot's offset): it has loaded it. A full resync owed to it (say after
     * a drop) is paid now, not at its admission, so a replica that fails again before it loads the
     * snapshot is still owed one. Not called for SYNC replicas (they never ACK) nor rdb-only clients.
     */
    default void loaded(String replica) {
    }

    /**
     * The answer to {@link #admit}: let in ({@link #ALLOW}), let in without trusting its offset
     * ({@link #FULL_RESYNC}: after a drop, say), or refused ({@link #refuse}).
     *
     * @param refusal the error the replica is answered ({@code -} and the text, as a Redis error
     *     line: {@code ERR ...}), null when it is let in
     * @param holdMillis how long its connection is held before the refusal: a refused Redis
     *     replica reconnects at once, and would otherwise do so hundreds of times a second
     * @param fullResync its {@code PSYNC} offset is not honoured: a full resync, never {@code +CONTINUE}
     */
    record Admission(String refusal, long holdMillis, boolean fullResync) {
        /** Let in: its PSYNC is decided as usual. */
        public static final Admission ALLOW = new Admission(null, 0, false);
        /** Let in with a full resync. */
        public static final Admission FULL_RESYNC = new Admission(null, 0, true);

        public Admission {
            if (refusal != null && (refusal.isEmpty() || refusal.indexOf('\r') >= 0 || refusal.indexOf('\n') >= 0)) {
                throw new IllegalArgumentException("refusal \"" + refusal + "\" (expected: one line of text, without CR or LF)");
            }
            if (holdMillis < 0 || (refusal == null && holdMillis != 0)) {
                throw new IllegalArgumentException("holdMillis=" + holdMillis + " (expected: >= 0, and 0 when not refused)");
            }
            if (refusal != null && fullResync) {
                throw new IllegalArgumentException("a refusal with fullResync (expected: one or the other)");
            }
        }

        /**
         * Refused with the error {@code -refusal}, after {@code holdMillis}.
         *
         * @param refusal one line, such as {@code ERR this replica was dropped...}
         */
        public static Admission refuse(String refusal, long holdMillis) {
            return new Admission(Objects.requireNonNull(refusal, "refusal"), holdMillis, false);
        }

        /** Whether the replica is refused. */
        public boolean refused() {
            return refusal != null;
        }
    }
}
