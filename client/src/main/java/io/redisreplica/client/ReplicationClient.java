package io.redisreplica.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;

import javax.net.SocketFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.rdb.RdbHeader;
import io.redisreplica.rdb.RdbReader;
import io.redisreplica.rdb.RdbTransfer;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.resp.RespWriter;

/**
 * One replication link to a Redis master, as a library: it connects and shakes hands as a
 * replica ({@link MasterHandshake}), asks {@code PSYNC} to continue from a {@link Position} the
 * application stored (or for everything), reads the snapshot when the master answers with a full
 * resync, and then hands out the command stream one command at a time with the replication offset
 * after it. {@code SELECT}, {@code PING} and {@code REPLCONF} are kept to itself: {@link #db()}
 * says which database a command applies to, and the offset counts them as the master does.
 *
 * <p>It acknowledges its offset to the master ({@code REPLCONF ACK}) once a second while the
 * application pulls, and at once when the master asks ({@code REPLCONF GETACK}). The application's
 * pace is the backpressure: nothing is queued here beyond one read buffer.
 *
 * <p>Not thread-safe: one thread pulls. A command returned by {@link #next} is valid until the
 * next call. Commands up to {@link RespDecoderContext#maxCommandLength()} (8 MB by default) are
 * taken; a longer one fails the link (the router, which streams them, takes any size).
 */
public final class ReplicationClient implements AutoCloseable {
    private static final long ACK_INTERVAL_NANOS = 1_000_000_000L;
    private static final byte[] PING = {'P', 'I', 'N', 'G'};
    private static final byte[] SELECT = {'S', 'E', 'L', 'E', 'C', 'T'};
    private static final byte[] REPLCONF = {'R', 'E', 'P', 'L', 'C', 'O', 'N', 'F'};
    private static final byte[] GETACK = {'G', 'E', 'T', 'A', 'C', 'K'};
    private static final byte[] MULTI = {'M', 'U', 'L', 'T', 'I'};
    private static final byte[] EXEC = {'E', 'X', 'E', 'C'};

    /**
     * Where a replication stream stands: the master's replid, the offset of the last byte
     * received, and the database selected there (a master that continues a stream does not
     * select it again).
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
     * @param user and {@code password}: AUTH when the password is set (null for none)
     * @param listeningPort what {@code REPLCONF listening-port} announces (the master lists it in INFO)
     * @param sockets plain, or an {@code SSLSocketFactory} for a TLS master
     */
    public record Options(String host, int port, String user, String password, int listeningPort, SocketFactory sockets,
                          int connectTimeoutMillis, RespDecoderContext limits) {
    }

    /** Plain, no AUTH, listening-port 0, a 5 s connect timeout, the default command limits. */
    public static Options options(String host, int port) {
        return new Options(host, port, null, null, 0, SocketFactory.getDefault(), 5_000, new RespDecoderContext());
    }

    private final Socket socket;
    private final OutputStream out;
    private final Sync sync;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64 * 1024);
    private final byte[] chunk = new byte[64 * 1024];
    private final ExpandableArrayBuffer ackBuffer = new ExpandableArrayBuffer(64);
    private final RespWriter writer = new RespWriter();
    private final CommandFramer framer;
    private InputStream in;
    private String replid;
    private long offset;
    private int db;
    private boolean snapshotRead;
    private boolean inTransaction;
    /** Buffered bytes: [start, end) not yet framed. */
    private int start;
    private int end;
    private long lastAck = System.nanoTime();

    private ReplicationClient(Options options, Position from) throws IOException {
        socket = options.sockets().createSocket();
        try {
            if (socket instanceof SSLSocket tls) {
                // the host name checked against the master's certificate, and sent (SNI) when it is a name
                final SSLParameters p = tls.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                if (!options.host().isEmpty() && !Character.isDigit(options.host().charAt(0)) && !options.host().contains(":")) {
                    p.setServerNames(List.of(new SNIHostName(options.host())));
                }
                tls.setSSLParameters(p);
            }
            socket.connect(new InetSocketAddress(options.host(), options.port()), options.connectTimeoutMillis());
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            final MasterHandshake handshake = new MasterHandshake(in, out);
            handshake.greet(options.user(), options.password());
            handshake.announce(options.listeningPort());
            final String askedReplid = from.offset() < 0 ? "?" : from.replid();
            final String reply = handshake.psync(askedReplid, from.offset() < 0 ? "-1" : Long.toString(from.offset() + 1));
            final String[] words = reply.trim().split(" ");
            if (words[0].equals("+FULLRESYNC") && words.length >= 3) {
                sync = new Sync(true, words[1], Long.parseLong(words[2]));
            } else if (words[0].equals("+CONTINUE")) {
                sync = new Sync(false, words.length > 1 ? words[1] : from.replid(), from.offset());
                snapshotRead = true;
                db = from.db();
            } else {
                throw new IOException(options.host() + ":" + options.port() + " answered PSYNC with " + reply);
            }
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        replid = sync.replid();
        offset = sync.offset();
        framer = new CommandFramer(options.limits());
    }

    /**
     * Connects as a replica and asks to continue after {@code from} ({@link Position#NONE} for
     * everything). {@link #sync()} says whether the master continued or resynced in full.
     *
     * @throws IOException when the master cannot be reached, refuses the handshake or answers
     *     PSYNC with an error ({@code -LOADING}, {@code -NOMASTERLINK}: try again later)
     */
    public static ReplicationClient connect(Options options, Position from) throws IOException {
        return new ReplicationClient(options, from);
    }

    /** How the master answered PSYNC. */
    public Sync sync() {
        return sync;
    }

    /**
     * After a full resync: reads the master's snapshot, every entry to {@code visitor} (see
     * {@link RdbReader}), streaming, with bounded memory. Must come before the first {@link #next}.
     */
    public RdbHeader readSnapshot(RdbVisitor visitor) throws IOException {
        if (snapshotRead) {
            throw new IllegalStateException(sync.full() ? "the snapshot was read already" : "the master continued: there is no snapshot");
        }
        final RdbTransfer transfer = RdbTransfer.readPreamble(in);
        final RdbReader reader = new RdbReader();
        final StreamDbVisitor streamDb = new StreamDbVisitor(visitor);
        final RdbHeader header = reader.read(transfer.rdbStream(in), streamDb);
        in = transfer.finish(reader, in);
        snapshotRead = true;
        if (streamDb.db() >= 0) {
            db = streamDb.db(); // a replica serving the sync selects no db before its stream: the RDB says which
        }
        ack(); // as a Redis replica does once it has loaded: a diskless master waits for it to start the stream
        return header;
    }

    /**
     * The next command of the stream, waiting up to {@code timeoutMillis} for it; null when none
     * came in that time (0: only what was read already). The master's keep-alive PINGs and REPLCONFs are answered or passed over
     * here (their bytes count in {@link #position()}). The command is valid until the next call.
     *
     * @throws IOException when the link fails: reconnect with {@link #position()} to continue
     */
    public Command next(long timeoutMillis) throws IOException {
        if (!snapshotRead) {
            throw new IllegalStateException("read the snapshot first: the master answered PSYNC with a full resync");
        }
        final long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            if (System.nanoTime() - lastAck >= ACK_INTERVAL_NANOS) {
                ack();
            }
            final int length = end > start ? framer.frame(buffer, start, end - start) : 0;
            if (length > 0) {
                start += length;
                offset += length;
                final Command c = framer.command();
                if (c.isEmpty() || c.nameIs(PING)) {
                    continue;
                }
                if (c.nameIs(SELECT) && c.argCount() == 2) {
                    db = (int) c.argLong(1);
                    continue;
                }
                if (c.nameIs(MULTI)) {
                    inTransaction = true;
                } else if (c.nameIs(EXEC)) {
                    inTransaction = false;
                }
                if (c.nameIs(REPLCONF)) {
                    if (c.argCount() >= 2 && c.argEqualsIgnoreCase(1, GETACK)) {
                        ack();
                    }
                    continue;
                }
                return c;
            }
            final long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            fill((int) Math.max(1, Math.min(left, ACK_INTERVAL_NANOS) / 1_000_000L)); // at most a second: the ACK is due then
        }
    }

    /** Reads more bytes, waiting up to {@code waitMillis} for them. */
    private void fill(int waitMillis) throws IOException {
        if (start > 0 && start == end) {
            start = 0;
            end = 0;
        } else if (start > buffer.capacity() / 2) {
            buffer.putBytes(0, buffer, start, end - start); // keep the cut-off command at the front
            end -= start;
            start = 0;
        }
        socket.setSoTimeout(waitMillis);
        final int n;
        try {
            n = in.read(chunk, 0, chunk.length);
        } catch (SocketTimeoutException e) {
            return;
        }
        if (n < 0) {
            throw new IOException("the master closed the link at offset " + offset);
        }
        buffer.putBytes(end, chunk, 0, n);
        end += n;
    }

    /** {@code REPLCONF ACK offset}: what this replica has processed. */
    private void ack() throws IOException {
        final int length = writer.wrap(ackBuffer, 0).command("REPLCONF", "ACK", Long.toString(offset)).length();
        out.write(ackBuffer.byteArray(), 0, length);
        out.flush();
        lastAck = System.nanoTime();
    }

    /**
     * Whether the last command returned is inside a MULTI/EXEC of the master (MULTI included, EXEC
     * not): a position stored here continues inside the transaction, without its MULTI, so an
     * application that applies transactions whole stores its position at their EXEC.
     */
    public boolean inTransaction() {
        return inTransaction;
    }

    /** The database the last command returned applies to (the master's last SELECT; 0 before any). */
    public int db() {
        return db;
    }

    /**
     * The replid and the offset after the last command returned (or passed over): store it with
     * what the command did, and connect with it to continue exactly after that command.
     */
    public Position position() {
        return new Position(replid, offset, db);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "replication client of " + socket.getRemoteSocketAddress() + " at " + replid + " " + offset + " (db "
            + db + ")";
    }
}
