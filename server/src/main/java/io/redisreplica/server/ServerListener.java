package io.redisreplica.server;

/**
 * What a {@link ReplicationServer} tells the application, from its own threads (keep the
 * methods short and never block in them). Every method has a no-op default.
 *
 * <p>Errors: every fault a server thread meets and handles (a source that fails to read, an
 * accept that fails, a session that breaks on something other than its replica going away) is
 * given to {@link #onError} before the thread goes on or ends; no thread ends silently. The server
 * also logs each distinct error once (SLF4J, logger {@code io.redisreplica.server}).
 */
public interface ServerListener {
    /**
     * A fault the server met.
     *
     * @param where the thread or part it happened in ({@code replica-127.0.0.1:50432}, {@code accept})
     * @param fatal true when that part stopped for good (the accept loop: no new replicas are
     *     accepted; close the server and start a new one), false when it goes on or only one
     *     replica's session ended
     */
    default void onError(String where, Throwable error, boolean fatal) {
    }

    /**
     * A replica was answered its sync request and streams from now on (an rdb-only client,
     * {@code redis-cli --rdb}: was sent its snapshot, and nothing streams).
     *
     * @param partial {@code +CONTINUE}; false: {@code +FULLRESYNC} with the snapshot (sent by now)
     */
    default void onSync(ReplicaStatus replica, boolean partial) {
    }
}
