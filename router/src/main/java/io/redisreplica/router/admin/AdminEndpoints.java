package io.redisreplica.router.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * What the admin HTTP side answers, whichever server carries it ({@link AdminHttpServer}, or a
 * {@code GET} on the RESP admin port): {@code /metrics} from one Prometheus registry (the
 * router's families, build info, JVM and process metrics), {@code /health} (the process answers)
 * and {@code /ready} (the upstream link streams and every shard's journal takes appends; 503 with
 * the reasons otherwise).
 */
public final class AdminEndpoints {
    /** A response: HTTP status, content type, body. */
    public record Answer(int status, String contentType, byte[] body) {
        static Answer text(int status, String body) {
            return new Answer(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The JVM's own metrics, one set per process: the client keeps every registry it registered them in for good. */
    private static final PrometheusRegistry JVM = jvm();

    private final RouterView router;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();

    public AdminEndpoints(RouterView router) {
        this.router = router;
        registry.register(new RouterMetrics(router));
        registry.register((MultiCollector) JVM::scrape);
        final Info build = Info.builder().name("redis_replica_build_info").help("The running build: version and Java runtime.")
            .labelNames("version", "java_version").register(registry);
        build.addLabelValues(version(), Runtime.version().toString());
    }

    /** The registry behind {@code /metrics} (the JDK server's handler negotiates the format itself). */
    PrometheusRegistry registry() {
        return registry;
    }

    /** {@code /metrics} in the format the {@code Accept} header asks for: OpenMetrics, or the Prometheus text format. */
    Answer metrics(String accept) {
        final ExpositionFormatWriter writer = formats.findWriter(accept);
        final ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return new Answer(200, writer.getContentType(), out.toByteArray());
    }

    /** The process is up and answers. */
    Answer health() {
        return Answer.text(200, "ok\n");
    }

    /** 200 when the upstream link streams and every shard's journal is writable, else 503 with the reasons. */
    Answer ready() {
        final String why = RouterStatus.of(router).notReady();
        return why == null ? Answer.text(200, "ready\n") : Answer.text(503, why);
    }

    Answer notFound() {
        return Answer.text(404, "try /metrics, /health or /ready\n");
    }

    /** The build's version, as Maven wrote it into {@code build.properties}. */
    static String version() {
        return VERSION;
    }

    private static final String VERSION = readVersion();

    private static String readVersion() {
        final java.util.Properties p = new java.util.Properties();
        try (java.io.InputStream in = AdminEndpoints.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build.properties from the router's jar", e);
        }
        return p.getProperty("version", "unknown");
    }

    private static PrometheusRegistry jvm() {
        final PrometheusRegistry jvm = new PrometheusRegistry();
        JvmMetrics.builder().register(jvm);
        return jvm;
    }
}
