package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;

/** The shipped logback.xml (also the release's conf/logback.xml): ISO-8601 with offset on stderr, or JSON lines. */
class LogbackConfigTest {
    private final PrintStream err = System.err;

    @AfterEach
    void restore() throws Exception {
        System.setErr(err);
        System.clearProperty("REDIS_REPLICA_LOG_FORMAT");
        configure(); // the default again for the tests that follow in this JVM
    }

    private static void configure() throws Exception {
        final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        final JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        final URL file = LogbackConfigTest.class.getResource("/logback.xml");
        joran.doConfigure(file);
    }

    private String logged(String format) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        if (format != null) {
            System.setProperty("REDIS_REPLICA_LOG_FORMAT", format);
        }
        configure();
        LoggerFactory.getLogger(StatusLine.LOGGER).info("upstream {} offset {}", "streaming", 42);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldLogIso8601WithTheOffsetToStderrByDefault() throws Exception {
        final String line = logged(null);
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[main\\] "
            + "status - upstream streaming offset 42\\R"), line);
    }

    @Test
    void shouldLogJsonLinesWhenAsked() throws Exception {
        final String line = logged("json");
        assertTrue(line.startsWith("{") && line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        assertTrue(line.contains("\"level\":\"INFO\"") && line.contains("\"loggerName\":\"io.redisreplica.status\"")
            && line.contains("\"formattedMessage\":\"upstream streaming offset 42\"") && line.contains("\"timestamp\":"), line);
    }
}
