package io.redisreplica.router.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * port (a port in use fails before anything runs); {@link #start()} serves on
 * {@value #THREADS} threads ({@code admin-http-N}); {@link #close()} stops the server (an
 * exchange in flight is cut off) and joins the threads. An {@code Error} in a handler goes
 * to the {@link ErrorHandler} as fatal.
 */
public final class AdminHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
    static final int THREADS = 2;

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
        this.executor = Executors.newFixedThreadPool(THREADS, r -> {
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
