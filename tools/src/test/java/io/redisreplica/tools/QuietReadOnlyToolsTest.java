package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;

/** The read-only tools log nothing on a healthy journal: no Chronicle roll-cycle warning, no INFO per shard. */
class QuietReadOnlyToolsTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadAJournalOfAnotherRollCycleWithoutALogLine() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0).rollCycle(JournalContext.Roll.HOURLY))) {
            final io.redisreplica.journal.JournalWriter writer = journal.shard("a").writer(0);
            writer.append(10, 0, 0, JournalFixtures.SET_APPLE);
            writer.commit();
        }
        final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        final ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        root.addAppender(events);
        try {
            for (List<String> args : List.of(List.of("journal", "ls"), List.of("journal", "verify"), List.of("journal", "tail", "-s", "a"))) {
                final String[] argv = java.util.stream.Stream.concat(args.stream(), java.util.stream.Stream.of(dir.toString()))
                    .toArray(String[]::new);
                assertEquals(0, Cli.run(argv).exit(), String.join(" ", args));
            }
        } finally {
            root.detachAppender(events);
        }
        assertEquals(List.of(), events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
            .map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()).toList());
    }
}
