package io.redisreplica.tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * What the shipped {@code logback.xml} configures, done in code. Logback's XML path (the JDK's SAX
 * parser, logback's model and the reflection that applies it, a method handle spun per string
 * concatenation of logback's own code, all cold) took 0.2 s of every start, a third of
 * {@code journal ls}'s (issue 18), for a file that only changes with the code. Logback asks this
 * configurator first (a service in the jar); it steps aside, and logback reads the XML as before,
 * unless that XML is the shipped one: no {@code -Dlogback.configurationFile} (and no
 * {@code logback-test.xml}), or one naming a file with the shipped file's bytes (the release's
 * {@code conf/logback.xml} as unpacked). An edited file is read by logback as always.
 * {@code LogbackConfigTest} proves this configures what the XML does.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    /** logback.xml's text pattern. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - %msg%n";
    /** logback.xml's loggers with a level of their own, root included. */
    static final Map<String, Level> LEVELS = Map.of(
        "net.openhft", Level.WARN,
        "org.apache.kafka", Level.WARN,
        "org.apache.kafka.clients.producer.internals.Sender", Level.ERROR,
        "io.redisreplica.status", Level.INFO,
        org.slf4j.Logger.ROOT_LOGGER_NAME, Level.INFO);
    private static final String FORMAT = "REDIS_REPLICA_LOG_FORMAT";
    private static final String SHIPPED = "/logback.xml";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (!shippedConfigurationInUse(System.getProperty("logback.configurationFile"))) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // logback reads the file
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** logback.xml's configuration, in its order: the status listener, the one appender, the levels. */
    static void apply(LoggerContext context) {
        context.getStatusManager().add(new StderrStatusListener());
        final LogEncoder encoder = new LogEncoder();
        encoder.setContext(context);
        encoder.setFormat(format());
        encoder.setPattern(PATTERN);
        encoder.start();
        final ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        for (Map.Entry<String, Level> level : LEVELS.entrySet()) {
            context.getLogger(level.getKey()).setLevel(level.getValue());
        }
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(stderr);
    }

    /** {@code ${REDIS_REPLICA_LOG_FORMAT:-text}} as logback resolves it: a system property, else the environment, else text. */
    private static String format() {
        final String property = System.getProperty(FORMAT);
        if (property != null) {
            return property;
        }
        final String env = System.getenv(FORMAT);
        return env != null ? env : "text";
    }

    /**
     * Whether logback would read the shipped logback.xml: with no file named, the jar's own (unless a
     * logback-test.xml comes first, as logback looks for it first); with one named, when it is a file
     * holding the shipped bytes. Anything else (another file, a URL, a resource name, an unreadable
     * path) is logback's to read and report.
     */
    static boolean shippedConfigurationInUse(String configurationFile) {
        if (configurationFile == null) {
            return LogConfigurator.class.getResource("/logback-test.xml") == null;
        }
        try (InputStream shipped = LogConfigurator.class.getResourceAsStream(SHIPPED)) {
            final Path file = Path.of(configurationFile);
            return shipped != null && Files.isRegularFile(file) && Arrays.equals(shipped.readAllBytes(), Files.readAllBytes(file));
        } catch (IOException | InvalidPathException e) {
            return false;
        }
    }
}
