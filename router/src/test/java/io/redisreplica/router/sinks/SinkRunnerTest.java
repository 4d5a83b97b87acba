package io.redisreplica.router.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.redisreplica.api.KeyEvent;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.config.SinkConfig;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.testkit.Await;

/** A sink's loop over an empty shard journal, with deliveries that fail, hang or break as told. */
class SinkRunnerTest {
    @TempDir
    Path dir;
    private Journal journal;
    private ShardRuntime shard;
    private SinkConfig sink;
    private final List<SinkRunner> runners = new ArrayList<>();

    @BeforeEach
    void shard() {
        final RouterConfig config = io.redisreplica.router.config.ConfigParser.parse("upstream 127.0.0.1:1\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:2 prefix=a:\nsink events xadd 127.0.0.1:3 key-events\n", "test");
        journal = Journal.open(config.journalContext());
        final ShardJournal sj = journal.shard("a");
        shard = new ShardRuntime(config.shardMap().shards().get(0), sj, sj.writer(0), dir, null);
        sink = config.sinks().get(0);
    }

    @AfterEach
    void close() {
        SinkRunner.closeAll(runners);
        journal.close();
    }

    private SinkRunner runner(SinkDelivery delivery, int maxFailures, ErrorHandler errors) {
        final SinkRunner r = new SinkRunner(sink, shard, delivery, maxFailures, errors);
        runners.add(r);
        return r;
    }

    /** A delivery whose {@code open} fails with {@code failure}, counting the attempts. */
    private static SinkDelivery failing(AtomicInteger attempts, Throwable failure) {
        return new SinkDelivery() {
            @Override
            public SinkPosition open() throws Exception {
                attempts.incrementAndGet();
                if (failure instanceof Error e) {
                    throw e;
                }
                throw (Exception) failure;
            }

            @Override
            public void deliver(List<KeyEvent> events, SinkPosition end) {
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void shouldRetryATransientFaultLoggingItOnceAndCountingEveryAttempt() {
        final Logger log = (Logger) LoggerFactory.getLogger(SinkRunner.class);
        final ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try {
            final AtomicInteger attempts = new AtomicInteger();
            final ErrorHandler errors = ErrorHandler.recording();
            final SinkRunner r = runner(failing(attempts, new IOException("Connection refused")), 100, errors);
            r.start();
            Await.until("three attempts", () -> attempts.get() >= 3, 10_000);
            Await.until("counted", () -> r.faults() >= 3, 5_000);
            assertEquals(SinkRunner.State.PAUSED, r.state());
            assertEquals("Connection refused", r.lastError());
            assertTrue(r.failures() >= 3, "failures in a row: " + r.failures());
            assertEquals(1, lines.list.stream().filter(e -> e.getLevel().toString().equals("WARN")).count(),
                "one WARN for the distinct error, not one per retry");
            assertNull(errors.failure(), "a transient fault is not fatal");
        } finally {
            log.detachAppender(lines);
        }
    }

    @Test
    void shouldDropTheSinkAfterMaxFailuresInARowWithoutStoppingTheRouter() {
        final AtomicInteger attempts = new AtomicInteger();
        final ErrorHandler errors = ErrorHandler.recording();
        final SinkRunner r = runner(failing(attempts, new IOException("down")), 2, errors);
        r.start();
        Await.until("dropped", () -> r.state() == SinkRunner.State.DROPPED, 10_000);
        Await.until("the loop to end", () -> !r.running(), 5_000);
        assertEquals(2, attempts.get());
        assertNull(errors.failure());
    }

    @Test
    void shouldReportAnErrorInTheDeliveryAsTheRoutersFailure() {
        final ErrorHandler errors = ErrorHandler.recording();
        final SinkRunner r = runner(failing(new AtomicInteger(), new OutOfMemoryError("test")), 100, errors);
        r.start();
        Await.until("the fatal error", () -> errors.failure() != null, 10_000);
        assertEquals("sink-events-a: java.lang.OutOfMemoryError: test", errors.failure());
    }

    @Test
    void shouldCloseEveryRunnerInParallelWithinOneBound() {
        final long hold = 1_500;
        final List<SinkRunner> hanging = new ArrayList<>();
        final AtomicInteger opened = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            final SinkRunner r = runner(new SinkDelivery() {
                @Override
                public SinkPosition open() throws IOException {
                    opened.incrementAndGet();
                    final long until = System.currentTimeMillis() + hold;
                    while (System.currentTimeMillis() < until) { // user code that does not heed interrupts
                        Thread.onSpinWait();
                    }
                    throw new IOException("gave up");
                }

                @Override
                public void deliver(List<KeyEvent> events, SinkPosition end) {
                }

                @Override
                public void close() {
                }
            }, 100, ErrorHandler.recording());
            hanging.add(r);
            r.start();
        }
        Await.until("every delivery to hang", () -> opened.get() == 3, 5_000);
        final long started = System.currentTimeMillis();
        SinkRunner.closeAll(hanging);
        final long took = System.currentTimeMillis() - started;
        assertTrue(took < 2 * hold, "closed together in " + took + " ms, not one after another (3 x " + hold + " ms)");
        hanging.forEach(r -> assertFalse(r.running(), r.name() + " joined"));
        hanging.forEach(r -> assertEquals(SinkRunner.State.STOPPED, r.state()));
    }
}
