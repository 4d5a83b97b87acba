package io.redisreplica.client;

import java.io.IOException;
import java.io.InputStream;

import javax.net.SocketFactory;

import io.redisreplica.client.impl.CommandStream;
import io.redisreplica.client.impl.MasterLink;
import io.redisreplica.client.impl.StreamDbVisitor;
import io.redisreplica.rdb.RdbHeader;
import io.redisreplica.rdb.RdbReader;
import io.redisreplica.rdb.RdbTransfer;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.resp.Command;
import io.redisreplica.resp.RespDecoderContext;

/**
 * One replication link to a Redis master, as a library: {@link #connect} connects and shakes
 * hands as a replica ({@link MasterHandshake}), asks {@code PSYNC} to continue from a {@link
 * Position} the application stored (or for everything), and the client then reads the snapshot
 * when the master answered with a full resync, and hands out the command stream one command at a
 * time with the replication offset after it. {@code SELECT}, {@code PING} and {@code REPLCONF}
 * are kept to itself: {@link #db()} says which database a command applies to, and the offset
 * counts them as the master does.
 *
 * <p>It acknowledges its offset to the master ({@code REPLCONF ACK}) once a second while the
 * application pulls, and at once when the master asks ({@code REPLCONF GETACK}). The application's
 * pace is the backpressure: nothing is queued here beyond one read buffer, and nothing is
 * allocated per command. A master that sends nothing (not even its PINGs) for the read timeout
 * ({@link Options#readTimeoutMillis()}, 60 s like Redis's {@code repl-timeout}) fails the link.
 *
 * <p>Not thread-safe: one thread pulls. A command returned by {@link #next} is valid until the
 * next call. Commands up to {@link RespDecoderContext#maxCommandLength()} (8 MB by default) are
 * taken; a longer one fails the link (the router, which streams them, takes any size). To have
 * the application's own restarts resume where it acknowledged, see {@link JournaledClient}.
 */
public final class ReplicationClient implements AutoCloseable {

    /**
     * Where a replication stream stands: the master's replid, the offset of the last byte
     * received, and the database selected there (a master that continues a stream does not
     * select it again).
     *
     * @param replid the master's replication id ({@code ?} for none)
     * @param offset the master's offset of the last byte received, -1 for none
     * @param db the database selected at that offset
     */
    public record Position(String replid, long offset, int db) {
        /** Nothing received yet: PSYNC asks for everything. */
        public static final Position NONE = new Position("?", -1, 0);
    }

    /**
     * How the master answered PSYNC.
     *
     * @param full a full resync: {@link #readSnapshot} must be read before the commands
     * @param replid the master's replication id
     * @param offset the offset of the last byte before the first command that follows
     */
    public record Sync(boolean full, String replid, long offset) {
    }

    /**
     * Where to connect and how.
     *
     * @param host the master's host name or address
     * @param port the master's port
     * @param user the ACL user AUTH names (null: the default user, or {@code requirepass})
     * @param password AUTH's password when set (null for none)
     * @param listeningPort what {@code REPLCONF listening-port} announces (the master lists it in INFO)
     * @param sockets plain, or an {@code SSLSocketFactory} for a TLS master
     * @param connectTimeoutMillis how long the TCP connect may take
     * @param readTimeoutMillis how long the master may send nothing before the link counts as
     *     failed (Redis's own {@code repl-timeout}, 60 s by default; a master PINGs its replicas
     *     every {@code repl-ping-replica-period}, 10 s by default): a frozen master or a lost
     *     network fails {@link #next} (and the handshake, and the snapshot) instead of waiting
     *     forever; it must be longer than the master's ping period
     * @param limits the longest command and argument count taken from the stream
     */
    public record Options(String host, int port, String user, String password, int listeningPort, SocketFactory sockets,
                          int connectTimeoutMillis, int readTimeoutMillis, RespDecoderContext limits) {
        /**
         * Checks the timeouts: positive (0 would mean forever to the socket and at once to the stream).
         *
         * @param host the master's host name or address
         * @param port the master's port
         * @param user the ACL user AUTH names (null: the default user, or {@code requirepass})
         * @param password AUTH's password when set (null for none)
         * @param listeningPort what {@code REPLCONF listening-port} announces
         * @param sockets plain, or an {@code SSLSocketFactory} for a TLS master
         * @param connectTimeoutMillis how long the TCP connect may take
         * @param readTimeoutMillis how long the master may send nothing
         * @param limits the longest command and argument count taken from the stream
         */
        public Options {
            if (connectTimeoutMillis <= 0 || readTimeoutMillis <= 0) {
                throw new IllegalArgumentException("timeouts must be positive: connect " + connectTimeoutMillis + " ms, read "
                    + readTimeoutMillis + " ms");
            }
        }

        /**
         * The same with AUTH.
         *
         * @param user the ACL user (null: the default user)
         * @param password the password (null: no AUTH)
         * @return new options
         */
        public Options auth(String user, String password) {
            return new Options(host, port, user, password, listeningPort, sockets, connectTimeoutMillis, readTimeoutMillis, limits);
        }

        /**
         * The same with another read timeout.
         *
         * @param millis how long the master may send nothing
         * @return new options
         */
        public Options readTimeout(int millis) {
            return new Options(host, port, user, password, listeningPort, sockets, connectTimeoutMillis, millis, limits);
        }

        /**
         * The same with another address (what {@link Sentinels} answers).
         *
         * @param host the master's host name or address
         * @param port the master's port
         * @return new options
         */
        public Options address(String host, int port) {
            return new Options(host, port, user, password, listeningPort, sockets, connectTimeoutMillis, readTimeoutMillis, limits);
        }

        /**
         * The same over other sockets.
         *
         * @param sockets an {@code SSLSocketFactory} for TLS
         * @return new options
         */
        public Options sockets(SocketFactory sockets) {
            return new Options(host, port, user, password, listeningPort, sockets, connectTimeoutMillis, readTimeoutMillis, limits);
        }

        /** Never the password: options end up in logs. */
        @Override
        public String toString() {
            return "Options[" + host + ":" + port + (user == null ? "" : " user " + user) + (password == null ? "" : " with a password")
                + ", listening-port " + listeningPort + ", " + sockets.getClass().getSimpleName() + "]";
        }
    }

    /**
     * Plain, no AUTH, listening-port 0, a 5 s connect timeout, a 60 s read timeout, the default command limits.
     *
     * @param host the master's host name or address
     * @param port the master's port
     * @return options to pass to {@link #connect}
     */
    public static Options options(String host, int port) {
        return new Options(host, port, null, null, 0, SocketFactory.getDefault(), 5_000, 60_000, new RespDecoderContext());
    }

    private final MasterLink link;
    private final RespDecoderContext limits;
    private final int readTimeoutMillis;
    private final String replid;
    /** Null until the commands may be read: after the snapshot of a full resync. */
    private CommandStream stream;

    /** Only takes what {@link #connect} opened: no I/O here. */
    private ReplicationClient(MasterLink link, Options options, int db) {
        this.link = link;
        this.limits = options.limits();
        this.readTimeoutMillis = options.readTimeoutMillis();
        this.replid = link.sync().replid();
        if (!link.sync().full()) {
            stream = new CommandStream(link.socket(), link.in(), link.out(), limits, readTimeoutMillis, link.sync().offset(), db);
        }
    }

    /**
     * Connects as a replica and asks to continue after {@code from} ({@link Position#NONE} for
     * everything). {@link #sync()} says whether the master continued or resynced in full.
     *
     * @param options where to connect and how
     * @param from the position to continue after
     * @return the connected client; close it to drop the link
     * @throws IOException when the master cannot be reached, refuses the handshake or answers
     *     PSYNC with an error ({@code -LOADING}, {@code -NOMASTERLINK}: try again later)
     */
    public static ReplicationClient connect(Options options, Position from) throws IOException {
        return new ReplicationClient(MasterLink.open(options, from), options, from.db());
    }

    /**
     * How the master answered PSYNC.
     *
     * @return the sync, full or continued
     */
    public Sync sync() {
        return link.sync();
    }

    /**
     * After a full resync: reads the master's snapshot, every entry to {@code visitor} (see
     * {@link RdbReader}), streaming, with bounded memory. Must come before the first {@link #next}.
     *
     * @param visitor what receives the snapshot's entries
     * @return the snapshot's header
     * @throws IOException when the link fails or the snapshot is damaged
     */
    public RdbHeader readSnapshot(RdbVisitor visitor) throws IOException {
        if (stream != null) {
            throw new IllegalStateException(link.sync().full() ? "the snapshot was read already" : "the master continued: there is no snapshot");
        }
        final RdbTransfer transfer = RdbTransfer.readPreamble(link.in());
        final RdbReader reader = new RdbReader();
        final StreamDbVisitor streamDb = new StreamDbVisitor(visitor);
        final RdbHeader header = reader.read(transfer.rdbStream(link.in()), streamDb);
        final InputStream rest = transfer.finish(reader, link.in());
        // a replica serving the sync selects no db before its stream: the RDB says which
        stream = new CommandStream(link.socket(), rest, link.out(), limits, readTimeoutMillis, link.sync().offset(),
            Math.max(streamDb.db(), 0));
        stream.ack(); // as a Redis replica does once it has loaded: a diskless master waits for it to start the stream
        return header;
    }

    /**
     * The next command of the stream, waiting up to {@code timeoutMillis} for it; null when none
     * came in that time (0: only what was read already). The master's keep-alive PINGs and
     * REPLCONFs are answered or passed over here (their bytes count in {@link #position()}). The
     * command is valid until the next call.
     *
     * @param timeoutMillis how long to wait for a command
     * @return the command, or null
     * @throws IOException when the link fails, or the master sent nothing for the read timeout:
     *     reconnect with {@link #position()} to continue
     */
    public Command next(long timeoutMillis) throws IOException {
        if (stream == null) {
            throw new IllegalStateException("read the snapshot first: the master answered PSYNC with a full resync");
        }
        return stream.next(timeoutMillis);
    }

    /**
     * Whether the last command returned is inside a MULTI/EXEC of the master (MULTI included, EXEC
     * not): a position stored here continues inside the transaction, without its MULTI, so an
     * application that applies transactions whole stores its position at their EXEC.
     *
     * @return true inside a transaction
     */
    public boolean inTransaction() {
        return stream != null && stream.inTransaction();
    }

    /**
     * The database the last command returned applies to (the master's last SELECT; 0 before any).
     *
     * @return the db number
     */
    public int db() {
        return stream == null ? 0 : stream.db();
    }

    /**
     * The master's offset after the last command returned (or passed over), without allocating.
     *
     * @return the offset of {@link #position()}
     */
    public long offset() {
        return stream == null ? link.sync().offset() : stream.offset();
    }

    /**
     * The replid and the offset after the last command returned (or passed over): store it with
     * what the command did, and connect with it to continue exactly after that command.
     *
     * @return a new position
     */
    public Position position() {
        return new Position(replid, offset(), db());
    }

    /** Drops the link. */
    @Override
    public void close() throws IOException {
        link.socket().close();
    }

    @Override
    public String toString() {
        return "replication client of " + link.socket().getRemoteSocketAddress() + " at " + replid + " " + offset() + " (db "
            + db() + ")";
    }
}
