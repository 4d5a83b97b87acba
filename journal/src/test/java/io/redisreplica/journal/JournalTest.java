package io.redisreplica.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    /** A clock the test moves, so roll cycles happen without sleeping. */
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    private JournalContext context() {
        return new JournalContext().dir(dir).rollCycle(JournalContext.Roll.SECONDLY).clockMillis(clock::get).minFreeBytes(0);
    }

    private static byte[] command(int i) {
        return ("*2\r\n$4\r\nINCR\r\n$" + Integer.toString(i).length() + "\r\n" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static List<String> readAll(JournalReader reader) {
        final List<String> out = new ArrayList<>();
        final JournalEntry entry = new JournalEntry();
        while (reader.next(entry)) {
            final byte[] bytes = new byte[entry.payloadLength()];
            entry.payload().getBytes(entry.payloadOffset(), bytes);
            out.add(entry.startOffset() + ":" + entry.upstreamOffset() + ":" + new String(bytes, StandardCharsets.US_ASCII));
        }
        return out;
    }

    @Test
    void shouldAppendEntriesWithContiguousShardOffsets() {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(100);
            long expected = 100;
            for (int i = 0; i < 10; i++) {
                expected += command(i).length;
                assertEquals(expected, writer.append(1000 + i, 0, 0, command(i)));
            }
            writer.commit();
            assertEquals(100, shard.firstOffset());
            assertEquals(expected, shard.endOffset());
            final JournalEntry entry = new JournalEntry();
            try (JournalReader reader = shard.reader()) {
                long offset = 100;
                for (int i = 0; i < 10; i++) {
                    assertTrue(reader.next(entry));
                    assertEquals(offset, entry.startOffset());
                    assertEquals(1000 + i, entry.upstreamOffset());
                    offset = entry.endOffset();
                }
                assertFalse(reader.next(entry));
            }
        }
    }

    @Test
    void shouldShowReadersOnlyCommittedEntries() {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            try (JournalReader reader = shard.reader()) {
                writer.append(1, 0, 0, command(1));
                assertEquals(List.of(), readAll(reader), "appended but not committed");
                writer.commit();
                assertEquals(List.of("0:1:" + new String(command(1), StandardCharsets.US_ASCII)), readAll(reader));
            }
        }
    }

    @Test
    void shouldSeekByOffsetAcrossRolledFiles() {
        final List<Long> starts = new ArrayList<>();
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            for (int i = 0; i < 500; i++) {
                if (i % 50 == 0) {
                    clock.addAndGet(1000); // a new file every 50 entries
                }
                starts.add(writer.endOffset());
                writer.append(i, 0, 0, command(i));
            }
            writer.commit();
            assertTrue(shard.fileStats().files() >= 10, "rolled into " + shard.fileStats().files() + " files");
            final JournalEntry entry = new JournalEntry();
            try (JournalReader reader = shard.reader()) {
                for (int i = 0; i < 500; i += 7) {
                    assertEquals(SeekResult.BOUNDARY, reader.seek(starts.get(i)), "entry " + i);
                    assertTrue(reader.next(entry));
                    assertEquals(i, entry.upstreamOffset());
                    assertEquals(SeekResult.NOT_BOUNDARY, reader.seek(starts.get(i) + 1));
                }
                assertEquals(SeekResult.BOUNDARY, reader.seek(shard.endOffset()));
                assertFalse(reader.next(entry));
                assertEquals(SeekResult.BEYOND_END, reader.seek(shard.endOffset() + 1));
                assertEquals(SeekResult.BEFORE_START, reader.seek(-1));
            }
        }
    }

    @Test
    void shouldFindWhereToReadFromForATimeAtTheGranularityOfItsRollCycle() {
        final long t0 = clock.get();
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            final long[] fileStarts = new long[3];
            for (int i = 0; i < 30; i++) {
                if (i % 10 == 0) {
                    clock.addAndGet(5000); // files of seconds t0+5, t0+10, t0+15 (a gap between each)
                    fileStarts[i / 10] = writer.endOffset();
                }
                writer.append(i, 0, 0, command(i));
            }
            writer.commit();
            assertEquals(0, shard.offsetAtOrAfter(t0 - 86_400_000L), "before everything: the first entry");
            assertEquals(fileStarts[1], shard.offsetAtOrAfter(t0 + 7000), "in a gap: the next file's first entry");
            assertEquals(fileStarts[1], shard.offsetAtOrAfter(t0 + 10_500), "inside a file's second: that file's first entry");
            assertEquals(fileStarts[2], shard.offsetAtOrAfter(t0 + 15_000));
            assertEquals(shard.endOffset(), shard.offsetAtOrAfter(t0 + 16_000), "after everything: the end");
        }
    }

    @Test
    void shouldOpenAndAppendAfterTheWriterDiedCreatingItsNextFile() throws Exception {
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            for (int i = 0; i < 3; i++) {
                writer.append(i, 0, 0, command(i));
            }
            writer.commit();
        }
        // a kill -9 while Chronicle created the next cycle's file: the file is there, its header never written
        clock.addAndGet(1000);
        halfMadeFile("a");
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final long end = shard.endOffset();
            try (JournalReader reader = shard.reader()) {
                assertEquals(3, readAll(reader).size(), "every entry before the crash");
            }
            final JournalWriter writer = shard.writer(end);
            writer.append(3, 0, 0, command(3));
            writer.commit();
            try (JournalReader reader = shard.reader()) {
                final List<String> all = readAll(reader);
                assertEquals(4, all.size());
                assertTrue(all.get(3).startsWith(end + ":3:"), all.get(3));
            }
        }
    }

    /** A dead writer's file for the current cycle: created, its header never written. */
    private void halfMadeFile(String shard) throws Exception {
        final String name = java.time.format.DateTimeFormatter.ofPattern(ChronicleSupport.rollCycle(JournalContext.Roll.SECONDLY).format())
            .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(clock.get()));
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(dir.resolve(shard).resolve(name + ".cq4").toFile(), "rw")) {
            file.setLength(1 << 20);
        }
    }

    @Test
    void shouldServeReadersThatOpenedBeforeTheFirstAppendReplacedADeadWritersHalfMadeFile() throws Exception {
        try (Journal journal = Journal.open(context())) {
            journal.shard("a"); // the shard exists, no entry yet
        }
        halfMadeFile("a");
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            assertEquals(0, shard.endOffset());
            try (JournalReader early = shard.reader()) { // a sink or a replica that came before the first append
                assertEquals(SeekResult.BOUNDARY, early.seek(0));
                final JournalWriter writer = shard.writer(0);
                writer.append(0, 0, 0, command(0));
                writer.append(1, 0, 0, command(1));
                writer.commit();
                assertEquals(2, readAll(early).size(), "the reader that came first");
                try (JournalReader late = shard.reader()) {
                    assertEquals(SeekResult.BOUNDARY, late.seek(0));
                    assertEquals(2, readAll(late).size(), "a reader that came after");
                }
            }
        }
    }

    @Test
    void shouldKeepOffsetsAcrossReopenAndRollOver() {
        long end;
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            for (int i = 0; i < 20; i++) {
                clock.addAndGet(500);
                writer.append(i, 0, 0, command(i));
            }
            end = writer.commit();
        }
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            assertEquals(end, shard.endOffset());
            assertEquals(19, shard.lastUpstreamOffset());
            assertEquals(19, journal.upstreamOffsetCovered());
            final JournalWriter writer = shard.writer(12345); // ignored: the journal is not empty
            assertEquals(end + command(20).length, writer.append(20, 0, 0, command(20)));
            writer.commit();
            try (JournalReader reader = shard.reader()) {
                assertEquals(21, readAll(reader).size());
            }
        }
    }

    @Test
    void shouldLetTwoReadersProceedAtTheirOwnPace() throws Exception {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            final JournalReader fast = shard.reader();
            final JournalReader slow = shard.reader();
            final JournalEntry entry = new JournalEntry();
            for (int i = 0; i < 100; i++) {
                writer.append(i, 0, 0, command(i));
                writer.commit();
                assertTrue(fast.next(entry));
                assertEquals(i, entry.upstreamOffset());
            }
            assertFalse(fast.next(entry));
            for (int i = 0; i < 100; i++) {
                assertTrue(slow.next(entry));
                assertEquals(i, entry.upstreamOffset());
            }
            assertEquals(fast.position(), slow.position());
            fast.close();
            slow.close();
        }
    }

    @Test
    void shouldWakeWaitingReaderOnCommit() throws Exception {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            final CountDownLatch woke = new CountDownLatch(1);
            final Thread waiter = new Thread(() -> {
                try (JournalReader reader = shard.reader()) {
                    if (reader.await(10, TimeUnit.SECONDS)) {
                        woke.countDown();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            waiter.start();
            Thread.sleep(100);
            assertEquals(1, woke.getCount(), "nothing committed yet");
            writer.append(1, 0, 0, command(1));
            writer.commit();
            assertTrue(woke.await(5, TimeUnit.SECONDS));
            waiter.join();
        }
    }

    @Test
    void shouldWriteCheckpointsAtomicallyAndReadThemBack() throws Exception {
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(5, 0, 0, command(1));
            final long end = writer.commit();
            journal.writeCheckpoint(new Checkpoint().upstream("8de9b1c4aa", 5).shard("a", "f00d", 1, 42)
                .receiver("a", "replica-1", end, false));
            // a temp file left by a crash mid-write must not matter
            Files.writeString(dir.resolve("checkpoint.tmp"), "garbage");
        }
        try (Journal journal = Journal.open(context())) {
            final Checkpoint cp = journal.checkpoint();
            assertEquals("8de9b1c4aa", cp.upstreamReplid());
            assertEquals(5, cp.upstreamOffset());
            assertEquals(new Checkpoint.ShardState("f00d", 1, 42), cp.shards().get("a"));
            assertEquals(journal.shard("a").endOffset(), cp.receiver("a", "replica-1").ackedOffset());
            assertTrue(Files.readString(dir.resolve("checkpoint")).contains("receiver a replica-1 "));
        }
    }

    @Test
    void shouldLoadAVersion1CheckpointWithoutAShardMapAndRecordOneOnTheNextWrite() throws Exception {
        try (Journal journal = Journal.open(context())) {
            journal.shard("a").writer(0).append(5, 0, 0, command(1));
        }
        // exactly what the code before the shard map was recorded wrote
        Files.writeString(dir.resolve("checkpoint"), "# redis-replica journal checkpoint (written atomically; do not edit while running)\n"
            + "version 1\nupstream 8de9b1c4aa 5\nshard a f00d 1 0\nreceiver a 127.0.0.1:6380 0 live\n");
        try (Journal journal = Journal.open(context())) {
            final Checkpoint cp = journal.checkpoint();
            assertFalse(cp.shardMapRecorded());
            assertEquals(Map.of(), cp.shardMap());
            assertEquals(new Checkpoint.ShardState("f00d", 1, 0), cp.shards().get("a"));
            journal.writeCheckpoint(cp.shardMap(Map.of("a", "keys=\"regex=^a .*\" drop-keys=\"\"")));
        }
        final String text = Files.readString(dir.resolve("checkpoint"));
        assertTrue(text.contains("version 2\n") && text.contains("map a keys=\"regex=^a .*\" drop-keys=\"\"\n"), text);
        try (Journal journal = Journal.open(context())) {
            assertTrue(journal.checkpoint().shardMapRecorded());
            assertEquals(Map.of("a", "keys=\"regex=^a .*\" drop-keys=\"\""), journal.checkpoint().shardMap());
        }
    }

    @Test
    void shouldRecordAnEmptyShardMapAsRecorded() {
        final Checkpoint cp = Checkpoint.decode(new Checkpoint().shardMap(Map.of()).encode(), "test");
        assertTrue(cp.shardMapRecorded());
        assertFalse(Checkpoint.decode(new Checkpoint().encode(), "test").shardMapRecorded());
    }

    @Test
    void shouldRefuseAMultiLineShardMapDescription() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new Checkpoint().shardMap(Map.of("a", "x\ny")));
        assertEquals("shard a: a map description must be one line without surrounding spaces: 'x\ny'", e.getMessage());
    }

    @Test
    void shouldRefuseACheckpointVersionNewerThanThisBuild() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("checkpoint"), "version 3\n");
        final JournalException e = assertThrows(JournalException.class, () -> Journal.open(context()));
        assertEquals(dir.resolve("checkpoint") + ":1: checkpoint version 3 is newer than this build understands (2)", e.getMessage());
    }

    @Test
    void shouldRemoveAShardsJournalAndForgetItInTheCheckpoint() {
        try (Journal journal = Journal.open(context())) {
            journal.shard("a").writer(0).append(1, 0, 0, command(1));
            final JournalWriter gone = journal.shard("gone").writer(0);
            gone.append(1, 0, 0, command(2));
            final long end = gone.commit();
            journal.writeCheckpoint(new Checkpoint().shard("a", "f00d", 1, 0).shard("gone", "beef", 2, 0)
                .receiver("gone", "r", end, false).shardMap(Map.of("a", "keys=a", "gone", "keys=g")));
            assertTrue(journal.removeShard("gone"));
            assertFalse(journal.removeShard("gone"));
            assertEquals(java.util.Set.of("a"), journal.shardNames());
            assertEquals(java.util.Set.of("a"), journal.checkpoint().shards().keySet());
            assertEquals(Map.of("a", "keys=a"), journal.checkpoint().shardMap());
            assertEquals(List.of(), journal.checkpoint().receivers());
        }
        assertFalse(Files.exists(dir.resolve("gone")));
        try (Journal journal = Journal.open(context())) {
            assertEquals(java.util.Set.of("a"), journal.shardNames());
        }
    }

    @Test
    void shouldRefuseACheckpointBuiltBeforeAShardWasRemovedAndAnyWriteAfterClose() {
        final Journal journal = Journal.open(context());
        journal.shard("a").writer(0).append(1, 0, 0, command(1));
        journal.shard("gone").writer(0).append(1, 0, 0, command(2));
        final Checkpoint before = new Checkpoint().shard("a", "f00d", 1, 0).shard("gone", "beef", 2, 0);
        journal.writeCheckpoint(before);
        assertTrue(journal.removeShard("gone"));
        // a checkpoint built before the removal (a periodic one queued on its writer thread) must not bring it back
        final JournalException stale = org.junit.jupiter.api.Assertions.assertThrows(JournalException.class,
            () -> journal.writeCheckpoint(before.copy()));
        assertTrue(stale.getMessage().contains("shard gone was removed"), stale.getMessage());
        assertEquals(java.util.Set.of("a"), journal.checkpoint().shards().keySet());
        journal.close();
        // the directory's lock is released: a write now could meet the next process's
        final JournalException closed = org.junit.jupiter.api.Assertions.assertThrows(JournalException.class,
            () -> journal.writeCheckpoint(new Checkpoint().shard("a", "f00d", 1, 0)));
        assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
    }

    @Test
    void shouldRefuseCheckpointPastTheJournalEnd() {
        try (Journal journal = Journal.open(context())) {
            journal.shard("a").writer(0).append(1, 0, 0, command(1));
            final JournalException e = assertThrows(JournalException.class,
                () -> journal.writeCheckpoint(new Checkpoint().receiver("a", "r", 10_000, false)));
            assertEquals("checkpoint: receiver r of shard a acknowledged 10000 but the shard ends at 0", e.getMessage());
        }
    }

    @Test
    void shouldClampCheckpointThatPointsPastTheEndOnOpen() throws Exception {
        try (Journal journal = Journal.open(context())) {
            journal.shard("a");
        }
        // as if entries were lost after the checkpoint was written
        Files.writeString(dir.resolve("checkpoint"), "version 1\nupstream ? -1\nreceiver a r 999 live\n");
        try (Journal journal = Journal.open(context())) {
            final Checkpoint.ReceiverState r = journal.checkpoint().receiver("a", "r");
            assertEquals(0, r.ackedOffset());
            assertTrue(r.needsFullResync());
        }
    }

    @Test
    void shouldRejectMalformedCheckpointWithItsLine() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("checkpoint"), "version 1\nupstream abc notanumber\n");
        final JournalException e = assertThrows(JournalException.class, () -> Journal.open(context()));
        assertEquals(dir.resolve("checkpoint") + ":2: malformed checkpoint line: upstream abc notanumber", e.getMessage());
    }

    @Test
    void shouldDeleteOnlyFilesEveryHolderAcknowledged() {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            final List<Long> fileEnds = new ArrayList<>();
            for (int file = 0; file < 5; file++) {
                clock.addAndGet(1000);
                for (int i = 0; i < 10; i++) {
                    writer.append(file * 10 + i, 0, 0, command(i));
                }
                fileEnds.add(writer.commit());
            }
            assertEquals(5, shard.fileStats().files());
            // slow receiver acknowledged the first two files, fast one everything
            final ShardJournal.RetentionReport report = shard.applyRetention(
                Map.of("slow", fileEnds.get(1), "fast", fileEnds.get(4)), clock.get());
            assertEquals(2, report.filesDeleted());
            assertEquals(fileEnds.get(1), shard.firstOffset());
            assertEquals(List.of(), report.fellBehind());
            try (JournalReader reader = shard.reader()) {
                assertEquals(SeekResult.BOUNDARY, reader.seek(fileEnds.get(1)), "the slow receiver can still continue");
                assertEquals(30, readAll(reader).size());
            }
            // nothing acknowledged beyond: the current file is never deleted
            assertEquals(2, shard.applyRetention(Map.of("r", Long.MAX_VALUE), clock.get()).filesDeleted());
            assertEquals(1, shard.fileStats().files());
        }
    }

    @Test
    void shouldForceRetentionPastSizeLimitAndReportWhoFellBehind() {
        try (Journal journal = Journal.open(context().maxBytesPerShard(1))) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            for (int file = 0; file < 3; file++) {
                clock.addAndGet(1000);
                writer.append(file, 0, 0, command(file));
                writer.commit();
            }
            final ShardJournal.RetentionReport report = shard.applyRetention(Map.of("stalled", 0L), clock.get());
            assertEquals(2, report.filesDeleted());
            assertEquals(List.of("stalled"), report.fellBehind());
            try (JournalReader reader = shard.reader()) {
                assertEquals(SeekResult.BEFORE_START, reader.seek(0));
            }
        }
    }

    @Test
    void shouldLockTheJournalToOneWriter() {
        try (Journal journal = Journal.open(context())) {
            final JournalException e = assertThrows(JournalException.class, () -> Journal.open(context()));
            assertEquals("journal " + dir + " is already open in this process", e.getMessage());
        }
        Journal.open(context()).close(); // released on close
    }

    @Test
    void shouldFailClearlyWhenDirectoryCannotBeCreated() throws Exception {
        final Path file = Files.writeString(dir.resolve("a-file"), "x");
        final JournalException e = assertThrows(JournalException.class,
            () -> Journal.open(context().dir(file.resolve("journal"))));
        assertTrue(e.getMessage().startsWith("cannot create journal directory " + file.resolve("journal")), e.getMessage());
    }

    @Test
    void shouldRefuseAppendsWhenDiskIsNearlyFullAndKeepWhatIsThere() {
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(1, 0, 0, command(1));
            writer.commit();
        }
        try (Journal journal = Journal.open(context().minFreeBytes(Long.MAX_VALUE / 2))) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            final JournalException e = assertThrows(JournalException.class, () -> writer.append(2, 0, 0, command(2)));
            assertTrue(e.getMessage().startsWith("journal shard a: disk nearly full at " + dir.resolve("a") + ": "), e.getMessage());
            assertTrue(e.getMessage().endsWith(" (journal.min-free-bytes); nothing was appended"), e.getMessage());
            try (JournalReader reader = shard.reader()) {
                assertEquals(1, readAll(reader).size());
            }
        }
    }

    @Test
    void shouldReadEverythingPresentWhenOpenedReadOnly() {
        try (Journal writerSide = Journal.open(context())) {
            final JournalWriter writer = writerSide.shard("a").writer(0);
            writer.append(1, 0, 0, command(1));
            writer.commit();
            try (Journal tool = Journal.open(context().readOnly(true))) {
                try (JournalReader reader = tool.shard("a").reader()) {
                    assertEquals(1, readAll(reader).size());
                }
                assertThrows(JournalException.class, () -> tool.shard("a").writer(0));
            }
        }
    }

    @Test
    void shouldKeepTheOpenReadsOfACheckpointAcrossAReopen() {
        try (Journal journal = Journal.open(context())) {
            journal.writeCheckpoint(new Checkpoint().upstream("abc", 10).reads(java.util.List.of(
                new Checkpoint.ReadState(3, new byte[] {0, 1, (byte) 0xff, ' '}, 99), new Checkpoint.ReadState(0, new byte[0], 50))));
        }
        try (Journal journal = Journal.open(context())) {
            final java.util.List<Checkpoint.ReadState> reads = journal.checkpoint().reads();
            assertEquals(2, reads.size());
            assertEquals(3, reads.get(0).db());
            assertEquals(99, reads.get(0).offset());
            org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {0, 1, (byte) 0xff, ' '}, reads.get(0).key());
            assertEquals(0, reads.get(1).key().length, "an empty key survives as '-'");
        }
    }
}
