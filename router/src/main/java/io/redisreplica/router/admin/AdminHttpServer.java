package io.redisreplica.router.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.redisreplica.router.support.ErrorHandler;

/**
 * The admin HTTP side ({@code admin-http HOST:PORT}), served by the JDK's HTTP server:
 * {@code /metrics} through the Prometheus client's own handler (OpenMetrics or text by the
 * {@code Accept} header, gzip, {@code name[]=} filters), {@code /health} and {@code /ready}
 * ({@link AdminEndpoints}).
 *
 * <p>Every path is registered through {@link #route}, the one place where a check that applies
 * to all of them (an {@code Authenticator} on the context, say) goes. The constructor binds the
 * port (a port in use fails before anything runs); {@link #start()} serves on up to
 * {@value #MAX_CONNECTIONS} threads ({@code admin-http-N}, made as connections need them, two
 * kept); {@link #close()} stops the server (an exchange in flight is cut off) and joins the
 * threads. An {@code Error} in a handler goes to the {@link ErrorHandler} as fatal.
 *
 * <p><b>Limits before trust.</b> The JDK's server reads a request's line and headers on a
 * handler thread, and by default waits for them forever, takes 380 KB of headers and any number
 * of connections: two clients that send a header line a minute would hold the whole admin side.
 * Its limits are system properties it reads once, when the first server of the JVM is made, so
 * this class sets them (each unless already set, {@code -D} wins) before it makes its server:
 * {@value #MAX_CONNECTIONS} connections (more are closed at accept), {@value #REQUEST_SECONDS} s
 * to send a request's line and headers and {@value #RESPONSE_SECONDS} s to read the answer (cut
 * off past that), {@value #MAX_HEADER_BYTES} bytes and {@value #MAX_HEADERS} headers (a larger
 * request is refused), idle keep-alive connections closed after {@value #IDLE_SECONDS} s and at
 * most {@value #MAX_IDLE} kept. A thread per connection up to the cap, so slow clients below the
 * cap leave a thread for {@code /metrics}.
 */
public final class AdminHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
    /** Connections at once; the handler threads are at most as many. */
    public static final int MAX_CONNECTIONS = 32;
    /** Seconds a client has to send its request's line and headers. */
    public static final int REQUEST_SECONDS = 10;
    /** Seconds a client has to read an answer (a scrape of every family, gzipped, takes milliseconds). */
    public static final int RESPONSE_SECONDS = 30;
    /** Bytes of request line and headers (a scrape sends a few hundred). */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    public static final int MAX_HEADERS = 64;
    public static final int IDLE_SECONDS = 30;
    public static final int MAX_IDLE = 8;
    /** Handler threads kept when idle. */
    private static final int CORE_THREADS = 2;

    static {
        limit("jdk.httpserver.maxConnections", MAX_CONNECTIONS);
        limit("sun.net.httpserver.maxReqTime", REQUEST_SECONDS);
        limit("sun.net.httpserver.maxRspTime", RESPONSE_SECONDS);
        limit("sun.net.httpserver.maxReqHeaderSize", MAX_HEADER_BYTES);
        limit("sun.net.httpserver.maxReqHeaders", MAX_HEADERS);
        limit("sun.net.httpserver.idleInterval", IDLE_SECONDS);
        limit("sun.net.httpserver.maxIdleConnections", MAX_IDLE);
    }

    private static void limit(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    private final HttpServer server;
    private final ErrorHandler errors;
    private final ExecutorService executor;
    private final AdminAuth auth;

    public AdminHttpServer(AdminEndpoints endpoints, String host, int port, ErrorHandler errors) throws IOException {
        this(endpoints, host, port, errors, AdminAuth.of(null, null, false));
    }

    /** @param auth {@code admin-password}: every path asks HTTP Basic first (the health paths optionally open) */
    public AdminHttpServer(AdminEndpoints endpoints, String host, int port, ErrorHandler errors, AdminAuth auth) throws IOException {
        this.errors = errors;
        this.auth = auth;
        try {
            this.server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new IOException("admin-http: cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        final AtomicInteger n = new AtomicInteger();
        // a thread per connection up to the server's cap: the JDK's server reads headers on them
        this.executor = new ThreadPoolExecutor(CORE_THREADS, MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            final Thread t = new Thread(r, "admin-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        route("/metrics", new MetricsHandler(endpoints.registry()));
        route("/health", answering(endpoints::health));
        route("/ready", answering(endpoints::ready));
        route("/", answering(endpoints::notFound));
        LOG.info("admin-http: /metrics, /health and /ready on http://{}:{}", host, server.getAddress().getPort());
        if (!server.getAddress().getAddress().isLoopbackAddress() && !auth.required()) {
            LOG.warn("admin-http: {}:{} is reachable from other hosts and has no authentication: anyone who can connect reads "
                + "/metrics (bind it to 127.0.0.1, or firewall it)", host, port);
        }
    }

    /** The port listened on (the configured one, or the one the system chose for port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    public void start() {
        server.start();
    }

    @Override
    public void close() {
        server.stop(0); // a scrape in flight is cut off: JDK 17 waits out the whole delay even with none
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warn("admin-http: handler threads did not end within 2 s of close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void route(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                if (!auth.allowed(exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestURI().getPath(),
                    exchange.getRemoteAddress().getAddress().getHostAddress())) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"redis-replica admin\", charset=\"UTF-8\"");
                    send(exchange, AdminEndpoints.Answer.text(401, "admin-password is set: send the admin user and password (HTTP Basic)\n"));
                    return;
                }
                handler.handle(exchange);
            } catch (Error e) {
                errors.fatal(Thread.currentThread().getName(), e);
                throw e;
            }
        });
    }

    private static HttpHandler answering(Supplier<AdminEndpoints.Answer> answer) {
        return exchange -> {
            final AdminEndpoints.Answer a = exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD")
                ? answer.get() : AdminEndpoints.Answer.text(405, "GET only\n");
            send(exchange, a);
        };
    }

    private static void send(HttpExchange exchange, AdminEndpoints.Answer a) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", a.contentType());
        final boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(a.status(), head ? -1 : a.body().length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(a.body());
            }
        }
    }
}
