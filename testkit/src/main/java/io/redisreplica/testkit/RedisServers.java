package io.redisreplica.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts real {@code redis-server} processes and stops them after each
 * test, whether it passed or not. When a test fails, the log tail of every server it started is
 * printed, so a failure in CI says what the servers saw.
 *
 * <pre>{@code
 * @RegisterExtension
 * final RedisServers redis = new RedisServers();
 *
 * @Test
 * void shouldDoSomething() {
 *     RedisServer master = redis.start();                                 // local redis-server
 *     RedisServer old = redis.start(RedisBinary.bundled("2.8.19"));      // a real 2.8 build
 *     RedisServer tuned = redis.start(RedisBinary.local(), Map.of("maxmemory", "10mb"));
 * }
 * }</pre>
 */
public final class RedisServers implements AfterEachCallback, AutoCloseable {
    private static final int BIND_ATTEMPTS = 5;
    private final List<RedisServer> started = new ArrayList<>();

    /** Starts the local {@code redis-server}. */
    public RedisServer start() {
        return start(RedisBinary.local());
    }

    public RedisServer start(RedisBinary binary) {
        return start(binary, Map.of());
    }

    /** Starts {@code binary} with extra {@code redis.conf} directives (values written as given). */
    public RedisServer start(RedisBinary binary, Map<String, String> config) {
        return start(binary, config, false, null);
    }

    /**
     * Starts {@code redis-server FILE --sentinel} with {@code config} (its {@code sentinel ...}
     * lines keyed by their first two words, e.g. {@code "sentinel monitor" -> "m 127.0.0.1 6379 2"});
     * {@link SentinelGroup} sets up a whole group.
     */
    public RedisServer startSentinel(RedisBinary binary, Map<String, String> config) {
        return start(binary, config, true, null);
    }

    /**
     * {@link #startSentinel(RedisBinary, Map)} listening with TLS only ({@code port 0}; {@code config}
     * holds its {@code tls-*} files): its port is its {@code tls-port}, which its
     * {@link RedisServer#client()} reaches with {@code tls} ({@link TlsCertificates#clientSockets()}).
     */
    public RedisServer startTlsOnlySentinel(RedisBinary binary, Map<String, String> config, SSLSocketFactory tls) {
        return start(binary, config, true, tls);
    }

    private RedisServer start(RedisBinary binary, Map<String, String> config, boolean sentinel, SSLSocketFactory tlsOnly) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            final RedisServer server = new RedisServer(binary, tempDir(binary), FreePort.find(), new LinkedHashMap<>(config));
            if (sentinel) {
                server.sentinel();
            }
            if (tlsOnly != null) {
                server.tlsOnly(tlsOnly);
            }
            synchronized (started) {
                started.add(server);
            }
            try {
                server.start();
                return server;
            } catch (IllegalStateException e) {
                last = e; // most often: another process took the port between find() and bind
                server.close();
            }
        }
        throw last;
    }

    /**
     * Starts the local {@code redis-server} with TLS on {@link RedisServer#tlsPort()}, showing
     * {@code certs.server()}, beside its plain port (which test clients and
     * {@link DatasetComparison} use). {@code config} adds or overrides lines, e.g.
     * {@code tls-replication yes} for a replica of a TLS master.
     */
    public RedisServer startTls(TlsCertificates certs, Map<String, String> config) {
        return startTls(certs, certs.server(), config);
    }

    /** {@link #startTls(TlsCertificates, Map)} showing {@code cert} (one that expired, say). */
    public RedisServer startTls(TlsCertificates certs, TlsCertificates.Issued cert, Map<String, String> config) {
        final Map<String, String> conf = new LinkedHashMap<>(certs.redisConfig(cert));
        conf.put("tls-port", Integer.toString(FreePort.find()));
        conf.putAll(config);
        return start(RedisBinary.local(), conf);
    }

    /** Starts {@code binary} on a copy of {@code rdb}, which it loads at start-up. */
    public RedisServer startWithRdb(RedisBinary binary, Path rdb) {
        final Path dir = tempDir(binary);
        try {
            Files.copy(rdb, dir.resolve("dump.rdb"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final RedisServer server = new RedisServer(binary, dir, FreePort.find(), new LinkedHashMap<>());
        synchronized (started) {
            started.add(server);
        }
        server.start();
        return server;
    }

    private static Path tempDir(RedisBinary binary) {
        try {
            return Files.createTempDirectory("redis-" + binary.version() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Servers started so far and not yet stopped. */
    public List<RedisServer> servers() {
        synchronized (started) {
            return List.copyOf(started);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            for (RedisServer server : servers()) {
                System.err.println("---- log of " + server + " (" + server.dir() + ") ----\n" + server.logTail(40));
            }
        }
        close();
    }

    /** Stops every server and deletes their directories. */
    @Override
    public void close() {
        final List<RedisServer> toStop;
        synchronized (started) {
            toStop = new ArrayList<>(started);
            started.clear();
        }
        for (RedisServer server : toStop) {
            server.close();
        }
    }
}
