package io.redisreplica.router.upstream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespClientContext;
import io.redisreplica.resp.RespError;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.routing.KeyArgs;
import io.redisreplica.router.routing.MasterReader;
import io.redisreplica.router.routing.RouterException;
import io.redisreplica.router.tls.SocketFactory;

/**
 * A client connection ({@link RespClient}) to the master that reads keys for {@link MasterReader}: one
 * {@code MULTI; SELECT; DUMP; PTTL; [GET;] ... INFO replication; EXEC}, so the values and the
 * offset they stand for come from the same instant (Redis 2.6+ has DUMP, 2.8 the offset in
 * INFO). Connected lazily, reconnected after a failure; used by the upstream link's thread only.
 */
final class MasterSideConnection implements MasterReader {
    /** What a refused read tells the operator. */
    private static final String NEEDS = " (the upstream user needs MULTI, SELECT, DUMP, PTTL, GET, INFO and TIME; or run with --cross-shard log)";
    private static final byte[] OFFSET_FIELD = "master_repl_offset:".getBytes(StandardCharsets.US_ASCII);

    private String host;
    private int port;
    private final String user;
    private final String password;
    /** Bulks as byte[] (a DUMP payload is binary), integers as Long, errors as {@link RespError}; null until connected. */
    private RespClient client;

    private final SocketFactory sockets;

    MasterSideConnection(String host, int port, String user, String password) {
        this(host, port, user, password, SocketFactory.plain());
    }

    MasterSideConnection(String host, int port, String user, String password, SocketFactory sockets) {
        this.sockets = sockets;
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /** Reads from {@code host:port} from now on (the link moved to another master): a connection to the old one is closed. */
    void moveTo(String newHost, int newPort) {
        if (!newHost.equals(host) || newPort != port) {
            close();
            host = newHost;
            port = newPort;
        }
    }

    @Override
    public Read read(int[] dbs, byte[][] keys, boolean strings) throws IOException {
        try {
            return readOnce(dbs, keys, strings);
        } catch (RouterException e) {
            close();
            throw e; // a refusal: retrying cannot help
        } catch (IOException | RuntimeException e) {
            close(); // a half-read reply leaves the connection unusable: the next read reconnects
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private Read readOnce(int[] dbs, byte[][] keys, boolean strings) throws IOException {
        final RespWriter writer = connect().pipeline().command("MULTI");
        int queued = 0;
        int db = -1;
        final int perKey = strings ? 3 : 2;
        for (int i = 0; i < keys.length; i++) {
            if (dbs[i] != db) {
                db = dbs[i];
                writer.arrayHeader(2).bulk("SELECT").bulk(db);
                queued++;
            }
            writer.arrayHeader(2).bulk("DUMP").bulk(keys[i]);
            writer.arrayHeader(2).bulk("PTTL").bulk(keys[i]);
            if (strings) {
                writer.arrayHeader(2).bulk("GET").bulk(keys[i]);
            }
            queued += perKey;
        }
        writer.command("INFO", "replication").command("TIME").command("EXEC");
        queued += 2;
        client.flush();
        expectSimple("MULTI");
        for (int i = 0; i < queued; i++) {
            expectSimple("queued command");
        }
        final Object reply = readReply();
        if (!(reply instanceof List<?> results) || results.size() != queued) {
            throw new IOException("master answered the read's EXEC with " + describe(reply));
        }
        for (Object r : results) {
            if (r instanceof RespError e && !e.message().startsWith("WRONGTYPE")) { // GET of a non-string is expected
                // a refusal (NOPERM, a renamed command, SELECT in cluster mode) comes again on every retry
                throw new RouterException("the master refused the read of a cross-shard command's keys: -" + e.message() + NEEDS);
            }
        }
        final byte[][] dumps = new byte[keys.length][];
        final long[] pttls = new long[keys.length];
        final byte[][] values = new byte[keys.length][];
        int at = 0;
        db = -1;
        for (int i = 0; i < keys.length; i++) {
            if (dbs[i] != db) {
                db = dbs[i];
                expectOk(results.get(at++), "SELECT " + db);
            }
            dumps[i] = bulk(results.get(at++), "DUMP");
            pttls[i] = integer(results.get(at++), "PTTL");
            if (strings) {
                final Object v = results.get(at++);
                values[i] = v instanceof byte[] b ? b : null; // WRONGTYPE for other types
            }
        }
        final byte[] info = bulk(results.get(at++), "INFO replication");
        return new Read(offsetIn(info), dumps, pttls, values, timeMillis(results.get(at)));
    }

    /** TIME's [seconds, microseconds] as milliseconds, 0 when the reply is not that. */
    private static long timeMillis(Object reply) {
        if (reply instanceof List<?> l && l.size() == 2 && l.get(0) instanceof byte[] sec && l.get(1) instanceof byte[] micro) {
            return Long.parseLong(new String(sec, StandardCharsets.US_ASCII)) * 1000
                + Long.parseLong(new String(micro, StandardCharsets.US_ASCII)) / 1000;
        }
        return 0;
    }

    /** The number after {@code master_repl_offset:} in an INFO reply. */
    static long offsetIn(byte[] info) throws IOException {
        outer:
        for (int i = 0; i + OFFSET_FIELD.length <= (info == null ? 0 : info.length); i++) {
            for (int j = 0; j < OFFSET_FIELD.length; j++) {
                if (info[i + j] != OFFSET_FIELD[j]) {
                    continue outer;
                }
            }
            long value = 0;
            int k = i + OFFSET_FIELD.length;
            if (k >= info.length || info[k] < '0' || info[k] > '9') {
                break;
            }
            while (k < info.length && info[k] >= '0' && info[k] <= '9') {
                value = value * 10 + (info[k++] - '0');
            }
            return value;
        }
        throw new IOException("the master's INFO replication has no master_repl_offset (Redis 2.8 or later is needed)");
    }

    @Override
    public void keys(io.redisreplica.resp.Command c, KeyArgs keys) throws IOException {
        keys.clear();
        final Object reply;
        try {
            final RespWriter writer = connect().pipeline().arrayHeader(c.argCount() + 2).bulk("COMMAND").bulk("GETKEYS");
            for (int i = 0; i < c.argCount(); i++) {
                writer.bulk(c.buffer(), c.argOffset(i), c.argLength(i));
            }
            client.flush();
            reply = readReply();
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        if (reply instanceof RespError e) {
            if (e.message().startsWith("ERR The command has no key arguments") || e.message().startsWith("ERR Invalid arguments")) {
                return; // no keys in this invocation
            }
            throw new RouterException("the master refused COMMAND GETKEYS for " + c.argString(0) + ": -" + e.message()
                + " (the upstream user needs COMMAND to route a command whose keys only the master knows)");
        }
        if (!(reply instanceof List<?> names)) {
            throw new IOException("master answered COMMAND GETKEYS with " + describe(reply));
        }
        // GETKEYS answers names, not positions: each is the first argument holding it that no earlier name took
        for (Object name : names) {
            final byte[] key = (byte[]) name;
            int arg = 1;
            while (arg < c.argCount() && (keys.contains(arg) || !sameBytes(c, arg, key))) {
                arg++;
            }
            if (arg == c.argCount()) {
                throw new IOException("master's COMMAND GETKEYS named a key that is not an argument of " + c.argString(0));
            }
            keys.add(arg);
        }
    }

    private static boolean sameBytes(io.redisreplica.resp.Command c, int arg, byte[] key) {
        if (c.argLength(arg) != key.length) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (c.buffer().getByte(c.argOffset(arg) + i) != key[i]) {
                return false;
            }
        }
        return true;
    }

    private int databases;

    @Override
    public int databases() {
        if (databases == 0) {
            databases = 16;
            try {
                final Object reply = connect().request("CONFIG", "GET", "databases");
                if (reply instanceof List<?> l && l.size() == 2 && l.get(1) instanceof byte[] b) {
                    databases = Integer.parseInt(new String(b, StandardCharsets.US_ASCII));
                }
                if (client.request("INFO", "cluster") instanceof byte[] info && new String(info, StandardCharsets.US_ASCII).contains("cluster_enabled:1")) {
                    databases = 1; // a cluster node has db 0 only, and refuses SELECT of any other
                }
            } catch (IOException | RuntimeException e) {
                close(); // CONFIG renamed or refused: Redis's default
            }
        }
        return databases;
    }

    /** The connection, opened (and AUTHed) if there is none. */
    private RespClient connect() throws IOException {
        if (client == null) {
            // Redis's own proto-max-bulk-len is the default bound: a DUMP payload is never longer than a value may be
            client = RespClient.open(new RespClientContext().address(host, port).peer("master " + host + ":" + port + " (side connection)")
                .dialer(sockets).readTimeoutMillis(30_000).binary(true).auth(user, password));
        }
        return client;
    }

    @Override
    public void close() {
        final RespClient c = client;
        client = null;
        if (c != null) {
            c.close();
        }
    }

    private void expectSimple(String what) throws IOException {
        final Object reply = readReply();
        if (reply instanceof RespError e) {
            if (e.message().startsWith("NOPERM") || e.message().startsWith("ERR unknown command")
                || e.message().startsWith("ERR SELECT is not allowed")) {
                throw new RouterException("the master refused " + what + " of a cross-shard read: -" + e.message() + NEEDS);
            }
            throw new IOException("master answered " + what + " with -" + e.message());
        }
    }

    private static void expectOk(Object reply, String what) throws IOException {
        if (reply instanceof RespError e) {
            throw new IOException("master answered " + what + " with -" + e.message());
        }
    }

    private static byte[] bulk(Object reply, String what) throws IOException {
        if (reply == null || reply instanceof byte[]) {
            return (byte[]) reply;
        }
        throw new IOException("master answered " + what + " with " + describe(reply));
    }

    private static long integer(Object reply, String what) throws IOException {
        if (reply instanceof Long l) {
            return l;
        }
        throw new IOException("master answered " + what + " with " + describe(reply));
    }

    private static String describe(Object reply) {
        if (reply instanceof RespError e) {
            return "-" + e.message();
        }
        return reply instanceof byte[] b ? "a bulk of " + b.length + " bytes" : String.valueOf(reply);
    }

    private Object readReply() throws IOException {
        return client.read();
    }
}
