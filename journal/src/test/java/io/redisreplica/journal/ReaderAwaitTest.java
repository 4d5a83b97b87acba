package io.redisreplica.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reader's wait for the next commit: every waiting reader of a shard wakes at a commit, none misses one, a close or an interrupt ends the wait. */
class ReaderAwaitTest {
    @TempDir
    Path dir;

    private JournalContext context() {
        return new JournalContext().dir(dir).minFreeBytes(0);
    }

    private static byte[] command(int i) {
        return ("*2\r\n$4\r\nINCR\r\n$" + Integer.toString(i).length() + "\r\n" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void shouldWakeEveryWaitingReaderAtOneCommit() throws Exception {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            final int readers = 4;
            final CountDownLatch waiting = new CountDownLatch(readers);
            final CountDownLatch woke = new CountDownLatch(readers);
            final List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < readers; i++) {
                final Thread t = new Thread(() -> {
                    try (JournalReader reader = shard.reader()) {
                        waiting.countDown();
                        if (reader.await(30, TimeUnit.SECONDS)) {
                            woke.countDown();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.start();
                threads.add(t);
            }
            assertTrue(waiting.await(10, TimeUnit.SECONDS));
            for (Thread t : threads) {
                awaitWaiting(t); // each one waits, not only returns for a commit made before it looked
            }
            assertEquals(readers, woke.getCount(), "nothing committed yet");
            writer.append(1, 0, 0, command(1));
            writer.commit();
            assertTrue(woke.await(10, TimeUnit.SECONDS), "every waiting reader woke at the one commit");
            for (Thread t : threads) {
                t.join(10_000);
                assertFalse(t.isAlive());
            }
        }
    }

    /** Until {@code t} waits in a timed park (the reader's wait for a commit), or fails after 10 s. */
    private static void awaitWaiting(Thread t) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, t + " never waited: " + t.getState());
            Thread.sleep(1);
        }
    }

    @Test
    void shouldMissNoCommitWhileReadersFollowAWriter() throws Exception {
        final int commits = 20_000;
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            final AtomicInteger timedOut = new AtomicInteger();
            final AtomicReference<Throwable> failed = new AtomicReference<>();
            final List<Thread> threads = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                final Thread t = new Thread(() -> {
                    final JournalEntry entry = new JournalEntry();
                    try (JournalReader reader = shard.reader()) {
                        int read = 0;
                        while (read < commits) {
                            if (reader.next(entry)) {
                                read++;
                            } else if (!reader.await(30, TimeUnit.SECONDS)) {
                                // only a lost wake-up waits this long (the writer never pauses); a lost one
                                // before the last commit is covered by the next, so this catches the last's
                                timedOut.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                });
                t.start();
                threads.add(t);
            }
            for (int i = 0; i < commits; i++) {
                writer.append(i, 0, 0, command(i));
                writer.commit();
            }
            for (Thread t : threads) {
                t.join(120_000);
                assertFalse(t.isAlive());
            }
            assertEquals(null, failed.get());
            assertEquals(0, timedOut.get(), "a wait outlasted the writer: a commit's wake-up was lost");
        }
    }

    @Test
    void shouldEndAWaitWhenTheJournalCloses() throws Exception {
        final Journal journal = Journal.open(context());
        final ShardJournal shard = journal.shard("a");
        shard.writer(0);
        final CountDownLatch waiting = new CountDownLatch(1);
        final AtomicReference<Boolean> result = new AtomicReference<>();
        final Thread t = new Thread(() -> {
            final JournalReader reader = shard.reader();
            waiting.countDown();
            try {
                result.set(reader.await(60, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        awaitWaiting(t);
        journal.close();
        t.join(10_000);
        assertFalse(t.isAlive(), "the close woke the waiting reader");
        assertEquals(Boolean.FALSE, result.get());
    }

    @Test
    void shouldThrowInterruptedWhenTheWaitingThreadIsInterrupted() throws Exception {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            shard.writer(0);
            final AtomicReference<Throwable> thrown = new AtomicReference<>();
            final CountDownLatch waiting = new CountDownLatch(1);
            final Thread t = new Thread(() -> {
                try (JournalReader reader = shard.reader()) {
                    waiting.countDown();
                    reader.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    thrown.set(e);
                }
            });
            t.start();
            assertTrue(waiting.await(10, TimeUnit.SECONDS));
            awaitWaiting(t); // interrupted in the wait, not while Chronicle opens the reader's files
            t.interrupt();
            t.join(10_000);
            assertFalse(t.isAlive());
            assertTrue(thrown.get() instanceof InterruptedException, "interrupted, not returned: " + thrown.get());
        }
    }

    @Test
    void shouldReturnFalseWhenNothingIsCommittedInTime() throws Exception {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            shard.writer(0);
            try (JournalReader reader = shard.reader()) {
                assertFalse(reader.await(50, TimeUnit.MILLISECONDS));
            }
        }
    }
}
