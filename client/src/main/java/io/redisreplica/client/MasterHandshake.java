package io.redisreplica.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.ExpandableArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.resp.RespWriter;

/**
 * The replica's side of the handshake ({@code replication.c}, {@code syncWithMaster}): AUTH when
 * a password is set, PING, {@code ROLE} (is this node the master?), {@code REPLCONF listening-port}
 * and {@code capa eof psync2}, then
 * {@code PSYNC} (or {@code SYNC} for a master before 2.8). Each command waits for its one-line
 * reply; a reply line is capped, so a master that never ends one costs a bounded amount of memory.
 * The router's upstream link and {@link ReplicationClient} both shake hands through it.
 */
public final class MasterHandshake {
    private static final Logger LOG = LoggerFactory.getLogger(MasterHandshake.class);
    /** No handshake reply of a real master is near this long; a line that never ends must not exhaust the heap. */
    public static final int MAX_LINE = 64 * 1024;

    private final InputStream in;
    private final OutputStream out;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final RespWriter writer = new RespWriter();

    /**
     * Over a connected socket's streams; nothing is sent until a method is called.
     *
     * @param in what the master answers on
     * @param out where the commands go
     */
    public MasterHandshake(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    /**
     * AUTH (when {@code password} is set) and PING: what comes before {@link #role()}.
     *
     * @param user the ACL user (null: the default user, or {@code requirepass})
     * @param password null for no AUTH
     * @throws IOException when the master refuses AUTH or PING, or the link fails
     */
    public void greet(String user, String password) throws IOException {
        if (password != null) {
            final String auth = user == null ? call("AUTH", password) : call("AUTH", user, password);
            if (!auth.startsWith("+OK")) {
                throw new IOException("master answered AUTH with " + auth);
            }
        }
        final String pong = call("PING");
        if (pong.startsWith("-NOAUTH")) {
            throw new IOException("master requires a password (NOAUTH) and none was given");
        }
        if (pong.startsWith("-")) {
            throw new IOException("master answered PING with " + pong);
        }
    }

    /**
     * The REPLCONFs that announce a replica: after {@link #role()} found the node to replicate from.
     *
     * @param listeningPort the port INFO lists for this replica
     * @throws IOException when the link fails
     */
    public void announce(int listeningPort) throws IOException {
        final String portReply = call("REPLCONF", "listening-port", Integer.toString(listeningPort));
        if (portReply.startsWith("-")) {
            LOG.warn("master refused REPLCONF listening-port: {}", portReply);
        }
        final String capa = call("REPLCONF", "capa", "eof", "capa", "psync2");
        if (capa.startsWith("-")) {
            LOG.info("master does not know REPLCONF capa ({}): disk-based sync only", capa);
        }
    }

    /**
     * {@code ROLE} (after {@link #greet}'s PING, before the REPLCONFs): whether the node is the master
     * or a replica, and of whom. A node before 2.8.12 answers an error: {@link MasterRole#UNKNOWN}.
     *
     * @return the node's role
     * @throws IOException when the link fails or the answer is malformed
     */
    public MasterRole role() throws IOException {
        send("ROLE");
        return MasterRole.of(value("ROLE", 0));
    }

    /**
     * {@code INFO replication} as its {@code field:value} lines (empty when the node answers an error).
     *
     * @return the fields by name
     * @throws IOException when the link fails
     */
    public Map<String, String> replicationInfo() throws IOException {
        send("INFO", "replication");
        final Map<String, String> fields = new HashMap<>();
        if (value("INFO", 0) instanceof String text) {
            for (String line : text.split("\r\n")) {
                final int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
        }
        return fields;
    }

    /**
     * {@code PSYNC replid offset}: the master's one-line answer ({@code +FULLRESYNC}, {@code +CONTINUE} or an error).
     *
     * @param replid the history to continue ({@code ?} for none)
     * @param offset the first byte wanted ({@code -1} for none)
     * @return the answer line
     * @throws IOException when the link fails
     */
    public String psync(String replid, String offset) throws IOException {
        return call("PSYNC", replid, offset);
    }

    /**
     * Any command and its reply, read exactly to its end: an array as a {@code List}, {@code :n}
     * as a {@code Long}, a string as a {@code String}, an error as null (what {@link Sentinels}
     * asks a Sentinel).
     *
     * @param args the command and its arguments
     * @return the reply
     * @throws IOException when the link fails or the reply is malformed or too long
     */
    public Object query(String... args) throws IOException {
        send(args);
        return value(args[0], 0);
    }

    /**
     * {@code SYNC}: the RDB follows, without a reply line.
     *
     * @throws IOException when the link fails
     */
    public void sync() throws IOException {
        send("SYNC");
    }

    private void send(String... args) throws IOException {
        final int length = writer.wrap(buffer, 0).command(args).length();
        out.write(buffer.byteArray(), 0, length);
        out.flush();
    }

    /**
     * One reply read exactly to its end (nothing after it is consumed: the PSYNC reply follows on the
     * same stream): an array as a {@code List}, {@code :n} as a {@code Long}, a string as a {@code
     * String}, an error as null. Nested no deeper than ROLE's list of replicas.
     */
    private Object value(String command, int depth) throws IOException {
        final String line = line(command);
        if (line.isEmpty()) {
            throw new IOException("master answered " + command + " with an empty line");
        }
        final String rest = line.substring(1);
        try {
            switch (line.charAt(0)) {
                case '*' -> {
                    final int n = Integer.parseInt(rest);
                    if (depth > 2 || n > 1024) {
                        throw new IOException("master answered " + command + " with an array nested " + depth + " deep of " + n);
                    }
                    final List<Object> list = new ArrayList<>(Math.max(n, 0));
                    for (int i = 0; i < n; i++) {
                        list.add(value(command, depth + 1));
                    }
                    return n < 0 ? null : list;
                }
                case '$' -> {
                    final int n = Integer.parseInt(rest);
                    if (n > MAX_LINE) {
                        throw new IOException("master answered " + command + " with a bulk of " + n + " bytes");
                    }
                    if (n < 0) {
                        return null;
                    }
                    final byte[] bulk = in.readNBytes(n + 2); // and its CRLF
                    if (bulk.length < n + 2) {
                        throw new IOException("master closed the connection during " + command);
                    }
                    return new String(bulk, 0, n, StandardCharsets.UTF_8);
                }
                case ':' -> {
                    return Long.parseLong(rest);
                }
                case '+' -> {
                    return rest;
                }
                default -> {
                    return null; // an error: -ERR unknown command before 2.8.12
                }
            }
        } catch (NumberFormatException e) {
            throw new IOException("master answered " + command + " with '" + line + "'");
        }
    }

    /** Sends a command and reads its one-line reply (newlines before it are keep-alives). */
    private String call(String... args) throws IOException {
        send(args);
        return line(args[0]);
    }

    private String line(String command) throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                if (line.size() == 0) {
                    continue;
                }
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
            if (line.size() > MAX_LINE) {
                throw new IOException("master answered " + command + " with a line longer than " + MAX_LINE + " bytes");
            }
        }
        if (b == -1) {
            throw new IOException("master closed the connection during " + command);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
