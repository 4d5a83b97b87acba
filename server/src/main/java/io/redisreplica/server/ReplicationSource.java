package io.redisreplica.server;

import java.io.IOException;

/**
 * What a {@link ReplicationServer} serves, provided by the application: the snapshot a full
 * resync sends, and the command stream (the journal) after it, addressed by replication offset.
 * Called from the sessions' threads at once: implementations are thread-safe.
 *
 * <p>The contract, as a Redis master keeps it: the journal's bytes from the snapshot's offset on,
 * applied to the snapshot, give the dataset at any later offset; a new history (a snapshot that
 * the journal does not continue) has a new replication id. A replica's
 * {@code PSYNC replid offset} continues ({@code +CONTINUE}) when {@code replid} is the current
 * snapshot's (or the {@link #previousReplid() previous} one, up to where that history ended) and
 * the journal still holds {@code offset}; anything else is a full resync, or a wait while the
 * journal is {@link #damaged()}.
 *
 * <p>{@link ReplicationBacklog} is a ready in-memory implementation (Redis's
 * {@code repl-backlog-size}); an application with its own log (a database's change log, a
 * Chronicle queue, a Kafka topic) implements this interface over it.
 */
public interface ReplicationSource {
    /** The snapshot a full resync sends now, or null while there is none (a replica waits, as for a master preparing its RDB). */
    Snapshot snapshot() throws IOException;

    /**
     * The next snapshot while it is being written, or null (the default): while there is one, a
     * replica that would wait or resync in full takes it instead (streamed as it grows to one
     * that announced {@code capa eof}, after a wait for the whole file to one that did not), as
     * the snapshot there is (if any) is about to be replaced. Complete it only once
     * {@link #snapshot()} is it (see {@link GrowingSnapshot}).
     */
    default GrowingSnapshot growingSnapshot() throws IOException {
        return null;
    }

    /**
     * Why there is no usable snapshot yet, in the source's own words, for the log line of a replica
     * that waits for one ({@code first_sync}, say); null (the default) to say nothing.
     */
    default String snapshotWait() {
        return null;
    }

    /**
     * The replication id of the current history, as {@code INFO replication} shows it
     * ({@code master_replid}): by default the {@link #snapshot()}'s, null while there is none (INFO
     * shows forty zeros then). A source that keeps an id while it has no snapshot (a shard waiting
     * for its next split, with the id of its last history) returns it, so INFO names the history
     * it keeps rather than none; the next snapshot may come with another id.
     */
    default String replid() throws IOException {
        final Snapshot s = snapshot();
        return s == null ? null : s.replid();
    }

    /** The offset of the first byte the journal still holds: a replica behind it needs a full resync. */
    long firstOffset();

    /** The offset just past the last byte in the journal (Redis's {@code master_repl_offset}). */
    long endOffset();

    /**
     * The replication id of the history the current one continues, or null (the default): as
     * Redis keeps {@code replid2} when it takes a new id without a new dataset (a replica promoted
     * after a failover; a journal whose damaged tail was cut back, with a new id from the cut on).
     * A replica that asks {@code PSYNC previousReplid offset} with an offset up to
     * {@link #previousReplidEnd()} gets {@code +CONTINUE} with the current id (a Redis 4 or later
     * replica takes it), and the stream from there. As a Redis master disconnects its replicas when
     * it takes a new id, the cursors opened before it end ({@link JournalCursor#END}): the replicas
     * reconnect with the previous id and continue, now knowing the new one.
     */
    default String previousReplid() throws IOException {
        return null;
    }

    /**
     * The offset where the previous replid's history ends (its {@code master_repl_offset} when the
     * id changed; Redis's {@code second_repl_offset} minus one): a replica of it that got more than
     * this holds bytes the current history does not, and resyncs in full. -1 when there is none.
     */
    default long previousReplidEnd() throws IOException {
        return -1;
    }

    /**
     * Whether the journal of the current history cannot be read (entries lost or corrupt, found
     * by the source or by a cursor that failed on them), false by default. While it is, every
     * replica waits, as for a master preparing its RDB, for the new snapshot the source makes
     * (with a new replid), instead of a partial resync that would meet the damage again,
     * reconnect after reconnect.
     */
    default boolean damaged() throws IOException {
        return false;
    }

    /**
     * How long ago, in milliseconds, the first byte after {@code offset} was appended: the lag
     * in time of a replica that acknowledged up to {@code offset} (0 when nothing follows it).
     * The server samples it at the replicas' ACKs ({@link ReplicaStatus#lagMillis()},
     * {@link ReplicaStatus#lagStats()}). -1 (the default) when the source keeps no append times:
     * then a replica's lag shows in bytes and in the age of its last ACK only.
     */
    default double lagMillis(long offset) {
        return -1;
    }

    /**
     * A cursor that reads the stream from {@code offset}, or null when the journal does not hold
     * that offset (as a command boundary: a replica always asks for one) in the current history.
     * The cursor belongs to the history current when it opens: when the source moves to a new one
     * (a snapshot with another replid), the cursor reads {@link JournalCursor#END}.
     */
    JournalCursor cursor(long offset) throws IOException;

    /**
     * Where the first write after {@code offset} starts: the first command of the stream from
     * there that is not a keep-alive ({@link #ping()}'s {@code PING}), or -1 when there is none.
     * An rdb-only client ({@code redis-cli --rdb}) gets the snapshot only while nothing but
     * keep-alives follows it (else its RDB would be a stale copy given as a current one), as a
     * Redis master's keep-alives do not make its dataset older.
     *
     * <p>The default reads the stream from {@code offset} with a {@link #cursor} and skips whole
     * {@code *1\r\n$4\r\nPING\r\n} commands; a source whose keep-alives look otherwise, or that
     * knows its writes without reading them, overrides it.
     */
    default long firstWriteAfter(long offset) throws IOException {
        return KeepAlives.firstWriteAfter(this, offset);
    }

    /**
     * Appends a {@code PING} to the stream, as a Redis master does every
     * {@code repl-ping-replica-period} so an idle replica does not time out its link. A keep-alive
     * must be in the stream, not beside it: a replica counts every byte it gets in its offset.
     *
     * @return false when the source does not (then the application keeps the stream busy itself,
     *     or its replicas run with a {@code repl-timeout} above its quiet periods); the default
     */
    default boolean ping() throws IOException {
        return false;
    }
}
