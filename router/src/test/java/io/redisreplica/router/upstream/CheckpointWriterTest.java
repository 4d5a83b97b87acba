package io.redisreplica.router.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.testkit.Await;

class CheckpointWriterTest {
    @TempDir
    Path dir;

    private static Checkpoint at(long offset) {
        return new Checkpoint().upstream("replid-1", offset, 0);
    }

    @Test
    void anOfferedCheckpointIsWrittenByTheCheckpointThreadAndSurvivesReopening() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir))) {
            final CheckpointWriter writer = new CheckpointWriter(journal, ErrorHandler.recording());
            writer.start();
            try {
                writer.offer(at(100));
                writer.offer(at(200));
                Await.until("the latest offered checkpoint is written", () -> journal.checkpoint().upstreamOffset() == 200);
            } finally {
                writer.close();
            }
        }
        try (Journal reopened = Journal.open(new JournalContext().dir(dir))) {
            assertEquals(200, reopened.checkpoint().upstreamOffset());
        }
    }

    @Test
    void aCheckpointOfferedBeforeASynchronousWriteIsNeverWrittenOverIt() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir))) {
            final CheckpointWriter writer = new CheckpointWriter(journal, ErrorHandler.recording());
            writer.offer(at(100)); // the thread is not running yet: it stays pending
            writer.write(at(300));
            assertEquals(300, journal.checkpoint().upstreamOffset());
            writer.start();
            writer.close(); // the thread takes the pending one on its way out, and must skip it
            assertFalse(writer.running());
            assertEquals(300, journal.checkpoint().upstreamOffset());
            assertEquals(1, writer.writes());
        }
    }

    @Test
    void aRewriteChangesTheCheckpointAsWritten() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir))) {
            final CheckpointWriter writer = new CheckpointWriter(journal, ErrorHandler.recording());
            writer.write(at(300).shard("s0", "replid-s0", 2, 40));
            writer.rewrite(cp -> cp.shard("s0", "replid-s0", 2, -1));
            assertEquals(2, writer.writes());
        }
        try (Journal reopened = Journal.open(new JournalContext().dir(dir))) {
            assertEquals(300, reopened.checkpoint().upstreamOffset(), "built on the one written");
            assertEquals(-1, reopened.checkpoint().shards().get("s0").snapshotOffset());
        }
    }

    @Test
    void aRewriteThatChangesNothingWritesNothingYetNothingOfferedBeforeItIsWrittenAfterIt() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir))) {
            final CheckpointWriter writer = new CheckpointWriter(journal, ErrorHandler.recording());
            writer.write(at(300));
            writer.offer(at(100).shard("s0", "replid-s0", 2, 40)); // the thread is not running yet: it stays pending
            writer.rewrite(cp -> null);
            assertEquals(1, writer.writes(), "no write for a rewrite that changes nothing");
            writer.start();
            writer.close(); // the thread takes the pending one on its way out, and must skip it
            assertEquals(1, writer.writes());
            assertEquals(300, journal.checkpoint().upstreamOffset());
            assertNull(journal.checkpoint().shards().get("s0"), "the snapshot offered before the rewrite is not vouched for");
        }
    }

    @Test
    void aFailedWriteIsLoggedAndTheNextOfferedOneIsWritten() {
        final ErrorHandler errors = ErrorHandler.recording();
        try (Journal journal = Journal.open(new JournalContext().dir(dir))) {
            journal.shard("s0").writer(0).close();
            final CheckpointWriter writer = new CheckpointWriter(journal, errors);
            writer.start();
            try {
                // a receiver acknowledged past the shard's end: the journal refuses this checkpoint
                writer.offer(at(100).receiver("s0", "replica-1", 1_000, false));
                Await.until("the refused write is counted", () -> writer.failures() == 1);
                writer.offer(at(200));
                Await.until("the next checkpoint is written", () -> journal.checkpoint().upstreamOffset() == 200);
                assertNull(errors.failure(), "a failed checkpoint write is not fatal");
                assertNull(journal.checkpoint().receiver("s0", "replica-1"));
            } finally {
                writer.close();
            }
        }
    }

    @Test
    void theCheckpointThreadStopsOnClose() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir))) {
            final CheckpointWriter writer = new CheckpointWriter(journal, ErrorHandler.recording());
            writer.start();
            Await.until("the thread runs", writer::running);
            writer.close();
            assertFalse(writer.running());
        }
    }
}
