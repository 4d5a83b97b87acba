package io.redisreplica.router.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.JournalWriter;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.testkit.Await;

class JournalPretoucherTest {
    @TempDir
    Path dir;

    /** Held still in the middle of a second, so the secondly files do not roll under the test. */
    private final AtomicLong clock = new AtomicLong(1_700_000_000_100L);

    private JournalContext context() {
        return new JournalContext().dir(dir).rollCycle(JournalContext.Roll.SECONDLY).clockMillis(clock::get).minFreeBytes(0);
    }

    private static final byte[] SET = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void touchesTheShardsPagesOnItsOwnThreadAndCloseJoinsIt() {
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(1, 0, 0, SET);
            writer.commit();
            final ErrorHandler errors = ErrorHandler.recording();
            final JournalPretoucher pretoucher = new JournalPretoucher(journal, errors);
            pretoucher.start();
            try {
                Await.until("pages ahead of the writer touched", () -> pretoucher.pages() > 0);
                assertTrue(pretoucher.running());
                assertEquals("pretouch", pretoucher.name());
            } finally {
                pretoucher.close();
            }
            assertFalse(pretoucher.running(), "close joined the thread");
            assertEquals(0, pretoucher.failures());
            assertNull(errors.failure());
            writer.append(2, 0, 0, SET); // the journal is the writer's as before
            assertEquals(2L * SET.length, writer.commit());
        }
    }

    @Test
    void countsAShardsFailureWithTheRetriedFaultsAndTheJournalGoesOn() throws Exception {
        final Path shardDir = dir.resolve("a");
        final String precreated;
        try (Journal journal = Journal.open(context())) { // a shard with no file for this second: its file is precreated
            journal.shard("a");
            final JournalPretoucher first = new JournalPretoucher(journal, ErrorHandler.recording());
            first.start();
            try {
                Await.until("a round", () -> first.rounds() > 0);
            } finally {
                first.close();
            }
            final String[] made = shardDir.toFile().list((d, n) -> n.endsWith(".precreated"));
            assertEquals(1, made.length);
            precreated = made[0];
        }
        // the same file again after a restart, with a directory where its temporary file goes
        Files.delete(shardDir.resolve(precreated));
        final Path obstacle = shardDir.resolve(precreated + ".tmp");
        Files.createDirectories(obstacle);
        Files.writeString(obstacle.resolve("x"), "x");
        try (Journal journal = Journal.open(context())) {
            final JournalWriter b = journal.shard("b").writer(0);
            final JournalWriter a = journal.shard("a").writer(0);
            final ErrorHandler errors = ErrorHandler.recording();
            final JournalPretoucher pretoucher = new JournalPretoucher(journal, errors);
            b.append(1, 0, 0, SET);
            b.commit();
            pretoucher.start();
            try {
                Await.until("the failure retried", () -> pretoucher.failures() >= 2);
                assertTrue(pretoucher.lastFailure().startsWith("pretouching shard a: "), pretoucher.lastFailure());
                assertTrue(pretoucher.lastFailure().contains("cannot precreate"), pretoucher.lastFailure());
                assertTrue(pretoucher.running(), "a transient fault: the thread goes on");
                assertNull(errors.failure(), "not fatal");
                Await.until("shard b touched meanwhile", () -> pretoucher.pages() > 0);
                a.append(1, 0, 0, SET);
                assertEquals(SET.length, a.commit(), "shard a's writer goes on");
            } finally {
                pretoucher.close();
            }
            assertFalse(pretoucher.running());
        }
    }
}
