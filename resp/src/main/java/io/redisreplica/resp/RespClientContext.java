package io.redisreplica.resp;

/**
 * Where and how a {@link RespClient} connects: the server, how its socket is made (plain or TLS),
 * the timeouts, the credentials and how replies are read. Fluent setters; {@link #conclude()}
 * checks the whole.
 */
public final class RespClientContext {
    /** Redis's proto-max-bulk-len default: any value Redis holds comes whole. */
    public static final int DEFAULT_MAX_REPLY = 512 * 1024 * 1024;

    private String host;
    private int port;
    private String peer;
    private Dialer dialer = Dialer.PLAIN;
    private int connectTimeoutMillis = 5_000;
    private int readTimeoutMillis = 60_000;
    private String user;
    private String password;
    private boolean binary;
    private int maxReply = DEFAULT_MAX_REPLY;

    /** The server to connect to. */
    public RespClientContext address(String host, int port) {
        this.host = host;
        this.port = port;
        return this;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /**
     * What the server is, in errors ({@code master}, {@code sink audit target}); its address is
     * added unless the name holds it. Default: {@code redis HOST:PORT}.
     */
    public RespClientContext peer(String name) {
        this.peer = name;
        return this;
    }

    /** The server's name in errors, with its address. */
    public String peer() {
        final String address = host + ":" + port;
        if (peer == null) {
            return "redis " + address;
        }
        return peer.contains(address) ? peer : peer + " " + address;
    }

    /** Plain ({@link Dialer#PLAIN}, the default) or TLS. */
    public RespClientContext dialer(Dialer value) {
        this.dialer = value;
        return this;
    }

    public Dialer dialer() {
        return dialer;
    }

    /** The TCP connect, and a TLS handshake, each within this. */
    public RespClientContext connectTimeoutMillis(int value) {
        this.connectTimeoutMillis = value;
        return this;
    }

    public int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    /** A reply that is not whole within this fails its read ({@code 0}: wait for ever). */
    public RespClientContext readTimeoutMillis(int value) {
        this.readTimeoutMillis = value;
        return this;
    }

    public int readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /**
     * AUTH right after the connect when {@code password} is set (no AUTH without one, whatever
     * the user); {@code user} null for the default user (or {@code requirepass}).
     */
    public RespClientContext auth(String user, String password) {
        this.user = user;
        this.password = password;
        return this;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Bulk replies as {@code byte[]} (keys and values as Redis keeps them), not UTF-8 text. */
    public RespClientContext binary(boolean value) {
        this.binary = value;
        return this;
    }

    public boolean binary() {
        return binary;
    }

    /** The longest reply taken whole; a longer one fails its read. */
    public RespClientContext maxReply(int bytes) {
        this.maxReply = bytes;
        return this;
    }

    public int maxReply() {
        return maxReply;
    }

    /** @throws IllegalArgumentException naming the first value that cannot work */
    public RespClientContext conclude() {
        if (host == null || host.isEmpty() || port <= 0 || port > 65535) {
            throw new IllegalArgumentException("no server address (host and a port in 1..65535): " + host + ":" + port);
        }
        if (dialer == null) {
            throw new IllegalArgumentException("no dialer for " + peer());
        }
        if (connectTimeoutMillis <= 0 || readTimeoutMillis < 0) {
            throw new IllegalArgumentException("timeouts for " + peer() + " must be positive (connect " + connectTimeoutMillis
                + " ms, read " + readTimeoutMillis + " ms)");
        }
        if (maxReply <= 0) {
            throw new IllegalArgumentException("maxReply for " + peer() + " must be positive: " + maxReply);
        }
        return this;
    }
}
