package io.redisreplica.router.admin;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.router.config.ClientLimits;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.router.tls.SocketFactory;
import io.redisreplica.server.spi.AcceptLoop;
import io.redisreplica.server.spi.ClientSlots;
import io.redisreplica.server.spi.SafeText;

/**
 * The operator's view, on the {@code admin} port, in two dialects on one socket:
 * {@code redis-cli -p ADMIN INFO [section]} (RESP: INFO, PING, and {@code FOLLOWER REPORT} from
 * {@code replay --follow}, see {@link FollowerReport}) and {@code curl
 * http://ADMIN/metrics} (Prometheus text). The first bytes of a connection tell which.
 *
 * <p>The constructor binds the port (so a port in use fails before anything runs);
 * {@link #start()} starts the acceptor, an {@link Agent} ({@code admin-PORT}), which gives each
 * client a thread of its own ({@code admin-client-ADDRESS}); {@link #close()} closes the acceptor
 * (joined), then every client's socket, and joins their threads. A client's I/O error ends only
 * that client; an {@code Error} in any of these threads goes to the {@link ErrorHandler} as fatal.
 *
 * <p>Over 300 lines: RESP and plain HTTP on one port share the accept loop, the pre-AUTH limits and
 * the authentication; the reports themselves are InfoReport's and the metrics' classes.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /** An admin connection that sends nothing for this long is closed (redis-cli reconnects by itself). */
    static final int IDLE_TIMEOUT_MILLIS = 60_000;
    /** Longest HTTP request head (request line and headers) read. */
    static final int MAX_HTTP_HEAD = 8 * 1024;
    /** How long {@link #close()} waits for the acceptor, then for the clients' threads. */
    static final long JOIN_MILLIS = 2_000;
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    private static final byte[] NOAUTH = "-NOAUTH Authentication required.\r\n".getBytes(StandardCharsets.US_ASCII);

    private final RouterView router;
    private final AdminEndpoints endpoints;
    private final ServerSocket server;
    private final AcceptLoop loop;
    private final ClientLimits limits;
    /** Its {@code maxclients} slots, which the accept loop takes. */
    private final ClientSlots slots;
    private final ErrorHandler errors;
    private final SocketFactory sockets;
    private final AdminAuth auth;
    /** The clients being served, each with its thread: closed and joined by {@link #close()}. */
    private final Map<Socket, Thread> clients = new ConcurrentHashMap<>();
    private volatile boolean closing;

    public AdminServer(RouterView router, AdminEndpoints endpoints, String host, int port, ClientLimits limits, ErrorHandler errors)
        throws IOException {
        this(router, endpoints, host, port, limits, errors, SocketFactory.plain(), new AdminAuth(null, null, false));
    }

    /**
     * @param sockets plain, or TLS on each accepted connection ({@code admin-tls})
     * @param auth {@code admin-password}: INFO and the HTTP paths only after AUTH or HTTP Basic (the
     *     health paths optionally open)
     */
    public AdminServer(RouterView router, AdminEndpoints endpoints, String host, int port, ClientLimits limits, ErrorHandler errors,
        SocketFactory sockets, AdminAuth auth) throws IOException {
        this.sockets = sockets;
        this.auth = auth;
        this.router = router;
        this.endpoints = endpoints;
        this.errors = errors;
        this.limits = limits;
        this.slots = new ClientSlots(limits.maxClients());
        this.server = AcceptLoop.bind("admin", host, port, 16);
        // the acceptor is a loop (admin-PORT): closing it closes the listening socket and joins it
        final AcceptLoop.Connections connections = AcceptLoop.threadPerConnection("admin", new AcceptLoop.Handler() {
            @Override
            public String threadName(Socket socket) {
                return "admin-client-" + socket.getRemoteSocketAddress();
            }

            @Override
            public void serve(Socket socket) {
                AdminServer.this.serve(socket);
            }
        });
        this.loop = new AcceptLoop("admin-" + port, "admin", errors::fatal, server, slots, connections,
            errors.distinct(LoggerFactory.getLogger(AcceptLoop.class), "admin")::record);
        LOG.info("admin: INFO and /metrics on {}:{}{}{} (maxclients {})", host, port, sockets.isTls() ? " with TLS" : "",
            auth.required() ? ", after AUTH" : "", limits.maxClients());
        final InetAddress bound = server.getInetAddress();
        if (!bound.isLoopbackAddress() && !auth.required()) {
            LOG.warn("admin: {}:{} is reachable from other hosts and has no authentication: anyone who can connect reads INFO "
                + "and /metrics (bind it to 127.0.0.1, set admin-password, or firewall it)", host, port);
        }
    }

    /** Starts accepting (once). */
    public void start() {
        loop.start();
    }

    /**
     * Stops the acceptor and joins it, then ends every client (a thread blocked reading its socket
     * returns when the socket closes) and joins their threads within the same bound.
     */
    @Override
    public void close() {
        closing = true;
        loop.close();
        final long deadline = System.currentTimeMillis() + JOIN_MILLIS;
        for (Map.Entry<Socket, Thread> c : clients.entrySet()) {
            closeQuietly(c.getKey());
            try {
                c.getValue().join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (c.getValue().isAlive()) {
                LOG.warn("admin: client thread {} did not end within {} ms of close", c.getValue().getName(), JOIN_MILLIS);
            }
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing to end its reader
        }
    }

    /** Connection limits of the admin port. */
    public ClientLimits limits() {
        return limits;
    }

    /** Connections holding a slot now. */
    public int connected() {
        return slots.connected();
    }

    /** Connections refused because the port was full, since start. */
    public long refused() {
        return slots.refused();
    }

    /** Failed accepts since start. */
    long acceptErrors() {
        return loop.acceptErrors();
    }

    private void serve(Socket s) {
        clients.put(s, Thread.currentThread());
        try (s) {
            if (closing) {
                return; // accepted as the server closed: close() may have missed it
            }
            final Socket io = sockets.accept(s); // timeouts and closes stay on the plain socket, which a TLS one reads through
            final InputStream in = io.getInputStream();
            final OutputStream out = new BufferedOutputStream(io.getOutputStream());
            final String address = s.getInetAddress().getHostAddress();
            boolean authenticated = !auth.required();
            final byte[] buf = new byte[ClientLimits.HANDSHAKE_MAX_COMMAND + 1024];
            final UnsafeBuffer view = new UnsafeBuffer(buf);
            final CommandFramer framer = new CommandFramer(ClientLimits.handshake());
            int pending = 0;
            while (true) {
                // a command cut off must be completed within the handshake timeout; between commands a client may idle longer
                s.setSoTimeout(pending > 0 ? (int) Math.min(IDLE_TIMEOUT_MILLIS, limits.handshakeTimeoutMillis()) : IDLE_TIMEOUT_MILLIS);
                final int n = in.read(buf, pending, buf.length - pending);
                if (n < 0) {
                    return;
                }
                pending += n;
                if (pending >= 4 && new String(buf, 0, 4, StandardCharsets.US_ASCII).equals("GET ")) {
                    final String head = httpHead(s, in, buf, pending);
                    if (head != null) {
                        http(head, out, address);
                    }
                    return;
                }
                int at = 0;
                int framed;
                while ((framed = framer.frame(view, at, pending - at)) > 0) {
                    final Command c = framer.command();
                    at += framed;
                    if (c.isEmpty()) {
                        continue;
                    }
                    final String name = c.argString(0).toUpperCase(Locale.ROOT);
                    if (name.equals("AUTH")) {
                        final int answer = auth.answer(c, out, address);
                        if (answer < 0) {
                            out.flush();
                            return;
                        }
                        authenticated = answer > 0;
                    } else if (!authenticated) {
                        out.write(NOAUTH);
                    } else {
                        out.write(reply(c, address).getBytes(StandardCharsets.UTF_8));
                    }
                }
                System.arraycopy(buf, at, buf, 0, pending - at);
                pending -= at;
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("admin client: {}", e.toString());
        } catch (Error e) {
            errors.fatal(Thread.currentThread().getName(), e);
        } finally {
            clients.remove(s);
        }
    }

    /**
     * Reads an HTTP request head until its blank line, however the request was split into packets,
     * within {@link #MAX_HTTP_HEAD} bytes and the handshake timeout; null when it never completes.
     */
    private String httpHead(Socket s, InputStream in, byte[] buf, int pending) throws IOException {
        final long deadline = System.currentTimeMillis() + limits.handshakeTimeoutMillis();
        final int cap = Math.min(buf.length, MAX_HTTP_HEAD);
        int have = pending;
        while (indexOf(buf, have, HEAD_END) < 0 && indexOf(buf, have, new byte[] {'\n', '\n'}) < 0) {
            final long left = deadline - System.currentTimeMillis();
            if (have >= cap || left <= 0) {
                return null;
            }
            s.setSoTimeout((int) left);
            final int n;
            try {
                n = in.read(buf, have, cap - have);
            } catch (java.net.SocketTimeoutException e) {
                return null;
            }
            if (n < 0) {
                return null;
            }
            have += n;
        }
        return new String(buf, 0, have, StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] buf, int length, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (buf[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private String reply(Command c, String address) {
        final String name = c.argString(0).toUpperCase(Locale.ROOT);
        switch (name) {
            case "PING":
                return "+PONG\r\n";
            case "INFO": {
                final String text = InfoReport.of(RouterStatus.of(router), c.argCount() > 1 ? c.argString(1) : "all");
                return "$" + text.getBytes(StandardCharsets.UTF_8).length + "\r\n" + text + "\r\n";
            }
            case "COMMAND":
                return "*0\r\n"; // redis-cli asks for command docs on connect
            case "FOLLOWER":
                return FollowerReport.answer(router.followers(), router.shards(), c, address);
            default:
                return "-ERR unknown command '" + SafeText.of(name) + "' (the admin port answers INFO [section], PING, FOLLOWER REPORT, "
                    + "and GET /metrics)\r\n";
        }
    }

    /**
     * A plain HTTP answer for {@code curl http://ADMIN/metrics} (and {@code /health}, {@code
     * /ready}) from the same {@link AdminEndpoints} as the {@code admin-http} server, which is
     * the one to scrape (a real HTTP server: keep-alive, gzip, name filters). With
     * {@code admin-password}, HTTP Basic first.
     */
    private void http(String request, OutputStream out, String address) throws IOException {
        final String[] words = request.split("[ \r\n]", 3);
        final String path = words.length > 1 ? words[1] : "";
        if (!auth.httpAllowed(request, path, address)) {
            AdminAuth.unauthorized(out);
            return;
        }
        final AdminEndpoints.Answer a = switch (path) {
            case "/metrics" -> endpoints.metrics(header(request, "accept"));
            case "/health" -> endpoints.health();
            case "/ready" -> endpoints.ready();
            default -> endpoints.notFound();
        };
        out.write(("HTTP/1.1 " + a.status() + " " + reason(a.status()) + "\r\nContent-Type: " + a.contentType() + "\r\nContent-Length: "
            + a.body().length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(a.body());
        out.flush();
    }

    /** A request header's value (name in lower case), null when absent. */
    private static String header(String request, String name) {
        for (String line : request.split("\r?\n")) {
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 404 -> "Not Found";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
