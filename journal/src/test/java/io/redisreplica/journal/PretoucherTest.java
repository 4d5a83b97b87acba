package io.redisreplica.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretoucherTest {
    @TempDir
    Path dir;

    /** A clock the test moves: secondly files roll without sleeping. Starts 100 ms into a second. */
    private final AtomicLong clock = new AtomicLong(1_700_000_000_100L);

    private JournalContext context() {
        return new JournalContext().dir(dir).rollCycle(JournalContext.Roll.SECONDLY).clockMillis(clock::get).minFreeBytes(0);
    }

    private static byte[] command(long i) {
        final String n = Long.toString(i);
        return ("*2\r\n$4\r\nINCR\r\n$" + n.length() + "\r\n" + n + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static final Pretoucher.Failures NONE = (shard, e) -> {
        throw new AssertionError("pretouch of shard " + shard + " failed", e);
    };

    private static String[] names(Path shardDir, String suffix) {
        final String[] names = shardDir.toFile().list((d, n) -> n.endsWith(suffix));
        java.util.Arrays.sort(names);
        return names;
    }

    /** What {@code journal verify} checks, read back read-only: every entry once, contiguous, as many as the queue counts. */
    private List<Long> verify(String shardName, long expectedEnd) {
        final List<Long> upstream = new ArrayList<>();
        try (Journal journal = Journal.open(context().readOnly(true))) {
            final ShardJournal shard = journal.shard(shardName);
            long end = shard.firstOffset();
            long documents = 0;
            try (JournalReader reader = shard.reader()) {
                final JournalEntry entry = new JournalEntry();
                while (reader.nextPiece(entry)) {
                    assertEquals(end, entry.startOffset(), "contiguous");
                    end = entry.endOffset();
                    documents++;
                    upstream.add(entry.upstreamOffset());
                }
            }
            assertEquals(expectedEnd, end);
            assertEquals(expectedEnd, shard.endOffset());
            assertEquals(shard.entryCount(), documents);
        }
        return upstream;
    }

    @Test
    void shouldTouchThePagesAheadOfTheWriterWithoutChangingWhatReadersRead() {
        long end = 0;
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            final Pretoucher pretoucher = new Pretoucher(journal);
            for (int i = 0; i < 1_000; i++) {
                end = writer.append(i, 0, 0, command(i));
            }
            writer.commit();
            // the headroom a bounded step a round: a cycle's first round must not take a core for 4 MB of faults at once
            assertEquals(ShardPretouch.PAGES_PER_ROUND, pretoucher.round(NONE), "a round's step while the writer is slow");
            long touched = ShardPretouch.PAGES_PER_ROUND;
            for (long step; (step = pretoucher.round(NONE)) > 0; ) {
                assertTrue(step <= ShardPretouch.PAGES_PER_ROUND, "a step of " + step);
                touched += step;
            }
            assertTrue(touched >= ShardPretouch.MIN_HEADROOM / ShardPretouch.PAGE - 1, "the rounds touch the headroom: " + touched);
            assertEquals(0, pretoucher.round(NONE), "nothing new to touch while the writer has not moved");
            for (int i = 1_000; i < 2_000; i++) {
                end = writer.append(i, 0, 0, command(i));
            }
            writer.commit();
            pretoucher.round(NONE);
        }
        final List<Long> read = verify("a", end);
        assertEquals(2_000, read.size());
        for (int i = 0; i < read.size(); i++) {
            assertEquals(i, read.get(i));
        }
    }

    @Test
    void shouldTouchTwiceWhatAFastWriterMovedInARound() {
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            final Pretoucher pretoucher = new Pretoucher(journal);
            writer.append(0, 0, 0, command(0));
            writer.commit();
            while (pretoucher.round(NONE) > 0) {
                continue; // the headroom touched: the next round's step follows the writer
            }
            final byte[] big = new byte[64 * 1024];
            long moved = 0;
            for (int i = 1; moved < 2 * ShardPretouch.PAGES_PER_ROUND * ShardPretouch.PAGE; i++) {
                final long before = writer.endOffset();
                writer.append(i, 0, 0, big);
                moved += writer.endOffset() - before;
            }
            writer.commit();
            final long step = pretoucher.round(NONE);
            // up to twice the 512 pages it moved (the headroom ahead of it may end first): well past the fixed step
            assertTrue(step > 2 * ShardPretouch.PAGES_PER_ROUND, "a writer that moved " + moved + " bytes outpaces the fixed step: " + step);
        }
    }

    @Test
    void shouldTouchAndPrecreateNothingWhereTheDiskWouldKeepLessThanMinFreeBytes() {
        final Path shardDir = dir.resolve("a");
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(0, 0, 0, command(0));
            writer.commit();
        }
        clock.addAndGet(600); // 300 ms before the next second: a precreated file would be due
        try (Journal journal = Journal.open(context().minFreeBytes(Long.MAX_VALUE / 4))) { // more than any disk has
            journal.shard("a");
            assertEquals(0, new Pretoucher(journal).round(NONE), "no page touched: a write the disk cannot back is a SIGBUS");
            assertEquals(0, names(shardDir, ".precreated").length, "no file precreated either");
        }
        try (Journal journal = Journal.open(context())) {
            journal.shard("a");
            assertTrue(new Pretoucher(journal).round(NONE) > 0, "with room, the same round touches");
            assertEquals(1, names(shardDir, ".precreated").length);
        }
    }

    @Test
    void shouldLeaveAPrecreatedFileOfAnotherNameAloneAndGoOn() throws Exception {
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(0, 0, 0, command(0));
            writer.commit();
            final Path foreign = Files.writeString(dir.resolve("a").resolve("notes.precreated"), "an operator's file");
            assertTrue(new Pretoucher(journal).round(NONE) > 0, "the round goes on");
            assertTrue(Files.exists(foreign), "not a cycle's name: not ours to delete");
        }
    }

    @Test
    void shouldPrecreateTheNextCyclesFileThatTheRollThenUses() {
        final Path shardDir = dir.resolve("a");
        long end;
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            final Pretoucher pretoucher = new Pretoucher(journal);
            writer.append(0, 0, 0, command(0));
            writer.commit();
            pretoucher.round(NONE);
            assertEquals(0, names(shardDir, ".precreated").length, "half a second of a secondly cycle is left: too early");
            clock.addAndGet(600); // 300 ms before the next second
            pretoucher.round(NONE);
            final String[] precreated = names(shardDir, ".precreated");
            assertEquals(1, precreated.length);
            assertEquals(ShardPretouch.precreatedBytes(1000), shardDir.resolve(precreated[0]).toFile().length());
            final String next = precreated[0].replace(".precreated", ".cq4");
            assertFalse(Files.exists(shardDir.resolve(next)));

            clock.addAndGet(400); // the next second: the append rolls into the precreated file
            writer.append(1, 0, 0, command(1));
            end = writer.append(2, 0, 0, command(2));
            writer.commit();
            assertTrue(Files.exists(shardDir.resolve(next)), "the roll made " + next);
            assertEquals(0, names(shardDir, ".precreated").length, "taken by the roll");
            assertTrue(pretoucher.round(NONE) > 0, "the new cycle's pages ahead");
        }
        assertEquals(List.of(0L, 1L, 2L), verify("a", end));
        assertEquals(2, names(shardDir, ".cq4").length);
    }

    @Test
    void shouldDeleteAPrecreatedFileWhoseCyclePassedWithoutAWrite() {
        final Path shardDir = dir.resolve("a");
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            final Pretoucher pretoucher = new Pretoucher(journal);
            writer.append(0, 0, 0, command(0));
            writer.commit();
            clock.addAndGet(600);
            pretoucher.round(NONE);
            assertEquals(1, names(shardDir, ".precreated").length);
            clock.addAndGet(1_500); // that cycle passes without a write
            pretoucher.round(NONE);
            final String[] left = names(shardDir, ".precreated");
            assertEquals(1, left.length, "only the one for the second now ending: " + List.of(left));
            clock.addAndGet(1_000);
            writer.append(1, 0, 0, command(1));
            writer.commit();
            pretoucher.round(NONE);
            assertEquals(0, names(shardDir, ".precreated").length);
        }
    }

    /**
     * A router stopped before a roll leaves the next cycle's precreated file (and perhaps one half
     * written) behind: once that cycle has passed, the writer's open deletes it; the one for the
     * upcoming cycle stays for its roll, and counts in the shard's bytes on disk.
     */
    @Test
    void shouldDeleteALeftoverPrecreatedFileAtOpenAndCountTheUpcomingOneOnDisk() throws Exception {
        final Path shardDir = dir.resolve("a");
        final long end;
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            end = writer.append(0, 0, 0, command(0));
            writer.commit();
        }
        final java.time.format.DateTimeFormatter cycles = java.time.format.DateTimeFormatter
            .ofPattern(ChronicleSupport.rollCycle(JournalContext.Roll.SECONDLY).format()).withZone(java.time.ZoneOffset.UTC);
        final Path stale = shardDir.resolve(cycles.format(java.time.Instant.ofEpochMilli(clock.get() - 5_000)) + ".precreated");
        final Path halfWritten = shardDir.resolve(cycles.format(java.time.Instant.ofEpochMilli(clock.get() + 2_000)) + ".precreated.tmp");
        final Path upcoming = shardDir.resolve(cycles.format(java.time.Instant.ofEpochMilli(clock.get() + 1_000)) + ".precreated");
        for (Path p : List.of(stale, halfWritten, upcoming)) {
            Files.write(p, new byte[ShardPretouch.PRECREATED_BYTES]); // zeros written: on disk, as the pretouch thread makes them
        }
        try (Journal journal = Journal.open(context().readOnly(true))) { // a tool only looks
            assertEquals(3, names(shardDir, ".precreated").length + names(shardDir, ".precreated.tmp").length);
        }
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            assertEquals(List.of(upcoming.getFileName().toString()), List.of(names(shardDir, ".precreated")), "the stale one deleted");
            assertEquals(0, names(shardDir, ".precreated.tmp").length, "a half-written one too");
            final ShardJournal.FileStats withIt = shard.fileStats();
            Files.delete(upcoming);
            final ShardJournal.FileStats without = shard.fileStats();
            assertEquals(ShardPretouch.PRECREATED_BYTES, withIt.bytes() - without.bytes(), "on disk: " + withIt + " " + without);
            assertEquals(ShardPretouch.PRECREATED_BYTES, withIt.apparentBytes() - without.apparentBytes());
            assertEquals(1, withIt.files(), "files counts the cycles' files");
        }
        assertEquals(List.of(0L), verify("a", end), "the journal itself untouched");
    }

    /** The invariant under load: a roll while another thread pretouches loses and duplicates nothing. */
    @Test
    void shouldLoseAndDuplicateNothingWhenFilesRollWhilePretouching() throws Exception {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicLong rounds = new AtomicLong();
        final int perCycle = 3_000;
        final int cycles = 12;
        long end = 0;
        try (Journal journal = Journal.open(context())) {
            final ShardJournal a = journal.shard("a");
            final JournalWriter writer = a.writer(0);
            final Pretoucher pretoucher = new Pretoucher(journal);
            final Thread toucher = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        pretoucher.round((shard, e) -> failure.compareAndSet(null, e));
                        rounds.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "pretouch-test");
            toucher.start();
            long upstream = 0;
            for (int c = 0; c < cycles; c++) {
                for (int i = 0; i < perCycle; i++) {
                    end = writer.append(upstream, 0, 0, command(upstream));
                    upstream++;
                    if (i % 100 == 99) {
                        writer.commit();
                    }
                    if (i == perCycle / 2) {
                        clock.addAndGet(700); // into the preroll: the next file is precreated meanwhile
                    }
                }
                writer.commit();
                clock.addAndGet(300); // the next second: the next append rolls
            }
            stop.set(true);
            toucher.join();
            assertNull(failure.get());
            assertTrue(rounds.get() > 0);
            assertEquals(ShardCheck.Outcome.WHOLE, journal.check("a", end, e -> true).outcome());
        }
        final List<Long> read = verify("a", end);
        assertEquals((long) perCycle * cycles, read.size());
        for (int i = 0; i < read.size(); i++) {
            assertEquals(i, read.get(i), "entry " + i);
        }
        assertTrue(names(dir.resolve("a"), ".cq4").length >= cycles, "rolled");
    }

    @Test
    void shouldHandAShardsFailureToTheCallerAndGoOnWithTheOtherShardsAndTheWriter() throws Exception {
        final Path shardDir = dir.resolve("a");
        final List<String> failed = new ArrayList<>();
        try (Journal journal = Journal.open(context())) {
            final JournalWriter a = journal.shard("a").writer(0);
            final JournalWriter b = journal.shard("b").writer(0);
            final Pretoucher pretoucher = new Pretoucher(journal);
            b.append(0, 0, 0, command(0));
            b.commit();
            // a has no file for this cycle yet, so a round makes its precreated file; something is
            // in the way of that: a directory where its temporary file goes
            final String cycleName = java.time.format.DateTimeFormatter.ofPattern(ChronicleSupport.rollCycle(JournalContext.Roll.SECONDLY)
                .format()).withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(clock.get()));
            final Path obstacle = shardDir.resolve(cycleName + ".precreated.tmp");
            Files.createDirectories(obstacle);
            Files.writeString(obstacle.resolve("x"), "x");
            final Pretoucher again = pretoucher;
            for (int i = 0; i < 3; i++) {
                again.round((shard, e) -> failed.add(shard + ": " + e.getMessage()));
            }
            assertEquals(3, failed.size(), failed.toString());
            assertTrue(failed.get(0).startsWith("a: journal shard a: cannot precreate "), failed.get(0));
            assertTrue(again.pages() > 0, "b was touched meanwhile");
            final long end = a.append(7, 0, 0, command(7));
            a.commit();
            assertEquals(end, journal.shard("a").endOffset(), "the writer goes on");
            assertTrue(again.round((shard, e) -> failed.add(shard + ": " + e.getMessage())) > 0, "a's pages, now it has a file");
        }
        assertEquals(List.of(7L), verify("a", command(7).length));
    }

    @Test
    void shouldEndAShardsRoundsWhenTheShardCloses() {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal a = journal.shard("a");
            final JournalWriter writer = a.writer(0);
            final Pretoucher pretoucher = new Pretoucher(journal);
            writer.append(0, 0, 0, command(0));
            writer.commit();
            assertTrue(pretoucher.round(NONE) > 0);
            a.close();
            assertEquals(0, a.pretouch(), "a closed shard is not touched");
        }
        final File[] files = dir.resolve("a").toFile().listFiles((d, n) -> n.endsWith(".cq4"));
        assertEquals(1, files.length);
    }
}
