package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.StatusListener;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.RdbCorpus;
import tools.jackson.databind.JsonNode;

/**
 * The shipped logback.xml (also the release's conf/logback.xml): ISO-8601 with offset on stderr, or JSON lines with the same
 * timestamp; stdout left alone. And {@link LogConfigurator}, which makes the same configuration in code.
 */
class LogbackConfigTest {
    private static final String ISO_8601 = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)";
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
        assertTrue(line.matches(ISO_8601 + " INFO  \\[main\\] status - upstream streaming offset 42\\R"), line);
    }

    @Test
    void shouldLogJsonLinesWithAnIso8601TimestampWhenAsked() throws Exception {
        final String line = logged("json");
        assertTrue(line.startsWith("{") && line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        final JsonNode json = JsonParsing.parse(line);
        assertEquals("INFO", json.get("level").asString());
        assertEquals("io.redisreplica.status", json.get("loggerName").asString());
        assertEquals("upstream streaming offset 42", json.get("formattedMessage").asString());
        final String timestamp = json.get("timestamp").asString();
        assertTrue(timestamp.matches(ISO_8601), timestamp);
        final long ms = OffsetDateTime.parse(timestamp).toInstant().toEpochMilli();
        assertTrue(Math.abs(System.currentTimeMillis() - ms) < 3_600_000, timestamp); // the event's time, not a constant
    }

    @Test
    void shouldLogAThrowableAsValidJson() throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setProperty("REDIS_REPLICA_LOG_FORMAT", "json");
        configure();
        LoggerFactory.getLogger("io.redisreplica.test").warn("failed \"quoted\"", new IllegalStateException("boom\nline"));
        final JsonNode json = JsonParsing.parse(out.toString(StandardCharsets.UTF_8));
        assertTrue(json.get("timestamp").asString().matches(ISO_8601), json.toString());
        assertEquals("failed \"quoted\"", json.get("formattedMessage").asString());
        assertEquals("boom\nline", json.get("throwable").get("message").asString());
    }

    @Test
    void shouldKeepLogbacksStatusMessagesOffStdout() throws Exception {
        // a child JVM configured by the shipped file as the launcher does: logback prints its own warnings
        // (an appender left unreferenced) on stdout unless the config registers a status listener
        final Path config = Path.of(LogbackConfigTest.class.getResource("/logback.xml").toURI());
        final Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dlogback.configurationFile=" + config, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
            "rdb", "info", "--json", "--quiet", RdbCorpus.dir().resolve("librdb/test/dumps/multiple_lists_strings.rdb").toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, java.waitFor(), out);
        assertTrue(JsonParsing.parse(out).has("keys"), out); // stdout is the command's JSON and nothing else
        assertEquals(1, out.strip().lines().count(), out);
        final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        configure();
        assertTrue(StatusUtil.contextHasStatusListener(context));
        assertTrue(new StatusUtil(context).getHighestLevel(0) < Status.WARN, "logback warns about the config"); // none to print at all
    }

    @Test
    void shouldConfigureInCodeWhatLogbackXmlConfigures() throws Exception {
        final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        try {
            for (String format : new String[] {null, "json", "yaml"}) {
                if (format != null) {
                    System.setProperty("REDIS_REPLICA_LOG_FORMAT", format);
                }
                context.getStatusManager().clear();
                configure();
                final List<String> fromXml = describe(context);
                context.reset();
                context.getStatusManager().clear();
                LogConfigurator.apply(context);
                assertEquals(fromXml, describe(context), "format " + format);
            }
        } finally {
            context.getStatusManager().clear(); // the unknown format's error, for the tests that follow in this JVM
        }
        assertTrue(describe(context).contains("logger ROOT INFO additive"), describe(context).toString()); // it describes something
    }

    @Test
    void shouldConfigureInCodeOnlyWhenTheShippedFileIsTheOneInUse(@TempDir Path dir) throws Exception {
        final Path shipped = Path.of(LogbackConfigTest.class.getResource("/logback.xml").toURI());
        final Path copy = Files.copy(shipped, dir.resolve("logback.xml"));
        // no file named: the jar's logback.xml, unless a logback-test.xml comes first (testkit's, on this classpath)
        assertEquals(LogbackConfigTest.class.getResource("/logback-test.xml") == null, LogConfigurator.shippedConfigurationInUse(null));
        assertTrue(LogConfigurator.shippedConfigurationInUse(copy.toString()), "the release's conf/logback.xml as unpacked");
        final Path edited = Files.writeString(dir.resolve("edited.xml"),
            Files.readString(shipped).replace("<logger name=\"net.openhft\" level=\"WARN\"/>", "<logger name=\"net.openhft\" level=\"INFO\"/>"));
        assertTrue(!LogConfigurator.shippedConfigurationInUse(edited.toString()), "an edited file is logback's to read");
        assertTrue(!LogConfigurator.shippedConfigurationInUse(dir.resolve("missing.xml").toString()), "logback reports a missing file");
        assertTrue(!LogConfigurator.shippedConfigurationInUse(dir.toString()), "a directory is not the file");
    }

    /** What a configuration made of the context: levels, the root's appenders with their encoders, the status listeners. */
    @SuppressWarnings("unchecked")
    private static List<String> describe(LoggerContext context) {
        final List<String> made = new ArrayList<>();
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                made.add("logger " + logger.getName() + " " + logger.getLevel() + (logger.isAdditive() ? " additive" : ""));
            }
            for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                final ConsoleAppender<ILoggingEvent> appender = (ConsoleAppender<ILoggingEvent>) it.next();
                final LogEncoder encoder = (LogEncoder) appender.getEncoder();
                made.add("appender of " + logger.getName() + ": " + appender.getName() + " " + appender.getTarget() + " started "
                    + appender.isStarted() + ", encoder " + encoder.format() + " " + encoder.pattern() + " started " + encoder.isStarted());
            }
        }
        for (StatusListener listener : context.getStatusManager().getCopyOfStatusListenerList()) {
            made.add("status listener " + listener.getClass().getName());
        }
        made.add("warnings " + (new StatusUtil(context).getHighestLevel(0) >= Status.WARN));
        return made;
    }
}
