package io.redisreplica.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: a shard journal damaged at its tail (a file cut short mid-entry, a corrupt byte in
 * the last entry) is cut back to its last good entry, with every kept entry at the offset, queue
 * index and file it had; damage before the end the checkpoint saw sets it aside whole.
 */
class JournalRepairTest {
    private static final int PIECE = 64;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    private JournalContext context() {
        return new JournalContext().dir(dir).rollCycle(JournalContext.Roll.SECONDLY).clockMillis(clock::get).minFreeBytes(0)
            .maxPieceLength(PIECE);
    }

    /** Entry i: ECHO of a value that names it; every 7th is longer than a piece (written in pieces). */
    private static byte[] command(int i) {
        final String value = "v" + i + "-" + "x".repeat(i % 7 == 3 ? 150 : 10) + "-end" + i;
        return ("*2\r\n$4\r\nECHO\r\n$" + value.length() + "\r\n" + value + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** What the router checks, in small: the payload frames as RESP arrays of bulk strings, exactly. */
    static final Predicate<JournalEntry> WHOLE_COMMANDS = entry -> {
        final byte[] b = new byte[entry.payloadLength()];
        entry.payload().getBytes(entry.payloadOffset(), b);
        int at = 0;
        try {
            while (at < b.length) {
                if (b[at] != '*') {
                    return false;
                }
                int[] line = number(b, at + 1);
                at = line[1];
                for (int n = line[0]; n > 0; n--) {
                    if (b[at] != '$') {
                        return false;
                    }
                    line = number(b, at + 1);
                    at = line[1] + line[0];
                    if (b[at] != '\r' || b[at + 1] != '\n') {
                        return false;
                    }
                    at += 2;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    };

    /** {value, position after its CRLF} of the digits at {@code at}. */
    private static int[] number(byte[] b, int at) {
        int value = 0;
        int i = at;
        while (b[i] >= '0' && b[i] <= '9') {
            value = value * 10 + (b[i++] - '0');
        }
        if (i == at || b[i] != '\r' || b[i + 1] != '\n') {
            throw new IllegalArgumentException("no number at " + at);
        }
        return new int[] {value, i + 2};
    }

    /** An entry as read: where it is and what it holds. */
    record Seen(long index, long start, long end, long upstream, String payload) {
    }

    private static List<Seen> readAll(ShardJournal shard) {
        final List<Seen> out = new ArrayList<>();
        try (JournalReader reader = shard.reader()) {
            final JournalEntry entry = new JournalEntry();
            while (reader.next(entry)) {
                final byte[] b = new byte[entry.payloadLength()];
                entry.payload().getBytes(entry.payloadOffset(), b);
                out.add(new Seen(reader.lastIndex(), entry.startOffset(), entry.endOffset(), entry.upstreamOffset(),
                    new String(b, StandardCharsets.US_ASCII)));
            }
        }
        return out;
    }

    /** Writes {@code n} entries, 40 a file (the clock moves a second before entry 40, 80, ...); returns them as read. */
    private List<Seen> write(int n) {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(1000);
            for (int i = 0; i < n; i++) {
                if (i % 40 == 0 && i > 0) {
                    clock.addAndGet(1000);
                }
                writer.append(10_000 + i, 0, 0, command(i));
                if (i % 10 == 0) {
                    writer.commit();
                }
            }
            writer.commit();
            final List<Seen> all = readAll(shard);
            assertEquals(n, all.size());
            assertEquals((n + 39) / 40, shard.fileStats().files(), "40 entries a file");
            return all;
        }
    }

    private Path shardFile(String needle) throws IOException {
        for (Path file : cq4Files(dir.resolve("a")).values()) {
            if (find(file, needle) >= 0) {
                return file;
            }
        }
        throw new AssertionError(needle + " is in no file");
    }

    private static Map<String, Path> cq4Files(Path shardDir) throws IOException {
        try (Stream<Path> files = Files.list(shardDir)) {
            final Map<String, Path> out = new TreeMap<>();
            files.filter(p -> p.toString().endsWith(".cq4")).forEach(p -> out.put(p.getFileName().toString(), p));
            return out;
        }
    }

    private static long find(Path file, String needle) throws IOException {
        return io.redisreplica.testkit.FileBytes.first(file, needle);
    }

    private static void writeByte(Path file, long at, char value) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            f.write(value);
        }
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    private Path damagedDir() throws IOException {
        try (Stream<Path> list = Files.list(dir.resolve("damaged"))) {
            final List<Path> all = list.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    /** Cut back to {@code keep} entries: they read back exactly as before, in the same files; the writer goes on after them. */
    private void assertCutBackTo(List<Seen> before, int keep, ShardCheck check, Map<String, Long> mtimesBefore) throws IOException {
        assertEquals(ShardCheck.Outcome.TAIL_CUT, check.outcome(), check.toString());
        assertEquals(before.get(keep - 1).end(), check.goodEnd());
        assertTrue(check.entriesCut() >= before.size() - keep, check.toString());
        assertTrue(check.bytesCut() > 0, check.toString());
        assertEquals(damagedDir(), check.damagedCopy());
        assertFalse(cq4Files(check.damagedCopy()).isEmpty(), "the damaged original is kept for the operator");
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            assertEquals(before.subList(0, keep), readAll(shard), "every good entry at its offset and queue index");
            assertEquals(check.goodEnd(), shard.endOffset());
            assertEquals(before.get(keep - 1).upstream(), shard.lastUpstreamOffset(), "the upstream link skips what the shard holds");
            final Map<String, Path> files = cq4Files(dir.resolve("a"));
            assertTrue(mtimesBefore.keySet().containsAll(files.keySet()), "the files the original had: " + files.keySet());
            final String writing = ((TreeMap<String, Path>) files).lastKey(); // retention never deletes it: Chronicle may touch it
            files.forEach((name, file) -> assertTrue(name.equals(writing)
                || mtimesBefore.get(name) == file.toFile().lastModified(), "retention's age of " + name));
            final JournalWriter writer = shard.writer(0);
            assertEquals(check.goodEnd() + command(999).length, writer.append(20_000, 0, 0, command(999)));
            writer.commit();
            assertEquals(keep + 1, readAll(shard).size());
            assertNull(journal.check("a", shard.endOffset(), WHOLE_COMMANDS).damage(), "whole after the cut back");
        }
        try (Stream<Path> list = Files.list(dir)) {
            assertTrue(list.noneMatch(p -> p.getFileName().toString().contains("~")), "no copy left beside the shard");
        }
    }

    private Map<String, Long> mtimes() throws IOException {
        final Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, Path> e : cq4Files(dir.resolve("a")).entrySet()) {
            out.put(e.getKey(), e.getValue().toFile().lastModified());
        }
        return out;
    }

    @Test
    void shouldCutAFileTruncatedInsideItsLastEntryBackToTheEntryBefore() throws Exception {
        final List<Seen> before = write(201);
        final Map<String, Long> mtimes = mtimes();
        final Path last = shardFile("v200-");
        truncate(last, find(last, "v200-") + 3); // a file cut short inside the last entry
        final ShardCheck check;
        try (Journal journal = Journal.open(context())) {
            check = journal.check("a", before.get(150).end(), WHOLE_COMMANDS);
            assertEquals("the entry at offset " + before.get(200).start() + " does not hold whole commands", check.damage());
            assertEquals(Map.of("a", check), journal.tailsCut());
            assertTrue(journal.setAside().isEmpty());
        }
        assertCutBackTo(before, 200, check, mtimes);
    }

    @Test
    void shouldEndAJournalWhoseLastEntryInPiecesWasTruncatedBeforeThatEntry() throws Exception {
        final List<Seen> before = write(200); // entry 199 is in pieces: cut short in its first, the others are not there
        final Path last = shardFile("v199-");
        truncate(last, find(last, "v199-") + 3);
        try (Journal journal = Journal.open(context())) {
            assertEquals(ShardCheck.whole(before.get(198).end()), journal.check("a", before.get(198).end(), WHOLE_COMMANDS),
                "an entry whose pieces are not all there was never finished: nothing to cut, as after a crash mid-append");
            assertEquals(before.subList(0, 199), readAll(journal.shard("a")));
        }
    }

    @Test
    void shouldCutBackALastEntryWithACorruptByte() throws Exception {
        final List<Seen> before = write(201);
        final Map<String, Long> mtimes = mtimes();
        final Path last = shardFile("-end200\r\n");
        writeByte(last, find(last, "-end200\r\n") + 7, 'x'); // its final CR
        final ShardCheck check;
        try (Journal journal = Journal.open(context())) {
            check = journal.check("a", before.get(199).end(), WHOLE_COMMANDS);
        }
        assertEquals(1, check.entriesCut());
        assertEquals(before.get(200).end() - before.get(199).end(), check.bytesCut());
        assertCutBackTo(before, 200, check, mtimes);
    }

    @Test
    void shouldCutBackAnEntryInPiecesWhoseLastPieceIsCorrupt() throws Exception {
        final List<Seen> before = write(193); // entry 192 is 192 % 7 == 3: in pieces, the last of the journal
        assertTrue(before.get(192).end() - before.get(192).start() > PIECE);
        final Map<String, Long> mtimes = mtimes();
        final Path last = shardFile("-end192\r\n");
        writeByte(last, find(last, "-end192\r\n") + 7, 'x');
        final ShardCheck check;
        try (Journal journal = Journal.open(context())) {
            check = journal.check("a", before.get(191).end(), WHOLE_COMMANDS);
        }
        assertEquals(1, check.entriesCut());
        assertCutBackTo(before, 192, check, mtimes);
    }

    @Test
    void shouldCutBackAJournalThatCannotBeOpenedToWhatReadsWhole() throws Exception {
        final List<Seen> before = write(200);
        final Path last = shardFile("v199-");
        final long cutAt = find(last, "v" + (before.size() - 20) + "-");
        truncate(last, cutAt); // well before the file's end: Chronicle's index points past it, so it cannot find its last entry
        try (Journal journal = Journal.open(context())) {
            assertTrue(journal.shardNames().contains("a"));
            final ShardCheck check = journal.check("a", before.get(100).end(), WHOLE_COMMANDS);
            assertEquals(ShardCheck.Outcome.TAIL_CUT, check.outcome(), check.toString());
            final int keep = (int) before.stream().filter(e -> e.end() <= check.goodEnd()).count();
            assertTrue(keep >= 150 && keep < 181, "kept " + keep);
            assertEquals(before.subList(0, keep), readAll(journal.shard("a")));
        }
    }

    @Test
    void shouldSetAsideAJournalDamagedBeforeTheEndTheCheckpointSaw() throws Exception {
        final List<Seen> before = write(200);
        final Path last = shardFile("-end199\r\n");
        writeByte(last, find(last, "-end199\r\n") + 7, 'x');
        try (Journal journal = Journal.open(context())) {
            final ShardCheck check = journal.check("a", before.get(199).end(), WHOLE_COMMANDS);
            assertEquals(ShardCheck.Outcome.SET_ASIDE, check.outcome());
            assertEquals("the entry at offset " + before.get(199).start() + " does not hold whole commands; its good entries end at "
                + "offset " + before.get(198).end() + ", before the end the checkpoint saw (" + before.get(199).end() + ")",
                check.damage());
            assertEquals(Map.of("a", check.damage()), journal.setAside());
            assertTrue(journal.tailsCut().isEmpty());
            assertEquals(0, journal.shard("a").endOffset(), "the shard starts empty");
            assertEquals(damagedDir(), check.damagedCopy());
        }
    }

    @Test
    void shouldSetAsideInsteadOfCuttingBackWhenTheDiskCannotHoldTheCopy() throws Exception {
        final List<Seen> before = write(50);
        final Path last = shardFile("-end49\r\n");
        writeByte(last, find(last, "-end49\r\n") + 6, 'x');
        try (Journal journal = Journal.open(context().minFreeBytes(1L << 60))) { // never that much free
            final ShardCheck check = journal.check("a", before.get(48).end(), WHOLE_COMMANDS);
            assertEquals(ShardCheck.Outcome.SET_ASIDE, check.outcome());
            assertTrue(check.damage().contains("(cutting it back to offset " + before.get(48).end() + " failed: journal shard a: "
                + "disk nearly full"), check.damage());
        }
        try (Stream<Path> list = Files.list(dir)) {
            assertTrue(list.noneMatch(p -> p.getFileName().toString().contains("~")), "no copy left beside the shard");
        }
    }

    @Test
    void shouldSetAsideADamagedJournalWhenTheCheckpointDoesNotSayHowFarItReached() throws Exception {
        write(50);
        final Path last = shardFile("-end49\r\n");
        writeByte(last, find(last, "-end49\r\n") + 6, 'x');
        try (Journal journal = Journal.open(context())) {
            final ShardCheck check = journal.check("a", -1, WHOLE_COMMANDS);
            assertEquals(ShardCheck.Outcome.SET_ASIDE, check.outcome());
            assertTrue(check.damage().endsWith("the checkpoint does not record how far the journal reached, so a cut back cannot "
                + "be shown to lose nothing"), check.damage());
        }
    }

    @Test
    void shouldSetAsideAJournalThatEndsShortOfTheCheckpoint() throws Exception {
        final List<Seen> before = write(50);
        try (Journal journal = Journal.open(context())) {
            final ShardCheck check = journal.check("a", before.get(49).end() + 10, WHOLE_COMMANDS);
            assertEquals(ShardCheck.Outcome.SET_ASIDE, check.outcome());
            assertEquals("it ends at offset " + before.get(49).end() + " but the checkpoint saw it reach " + (before.get(49).end() + 10)
                + " (truncated)", check.damage());
        }
    }

    @Test
    void shouldLeaveAWholeJournalAsItIs() throws Exception {
        final List<Seen> before = write(50);
        try (Journal journal = Journal.open(context())) {
            final ShardCheck check = journal.check("a", before.get(49).end(), WHOLE_COMMANDS);
            assertEquals(ShardCheck.whole(before.get(49).end()), check);
            assertEquals(before, readAll(journal.shard("a")));
        }
        assertFalse(Files.exists(dir.resolve("damaged")));
    }

    @Test
    void shouldFinishACutBackInterruptedAfterTheOriginalWasMovedAside() throws Exception {
        final List<Seen> before = write(50);
        Files.move(dir.resolve("a"), dir.resolve("a" + ShardRepair.CUT)); // a complete copy, its original gone
        try (Journal journal = Journal.open(context())) {
            assertEquals(before, readAll(journal.shard("a")));
        }
        assertFalse(Files.exists(dir.resolve("a" + ShardRepair.CUT)));
    }

    @Test
    void shouldDeleteTheCopyOfACutBackInterruptedBeforeItsOriginalWasMovedAside() throws Exception {
        final List<Seen> before = write(50);
        Files.createDirectories(dir.resolve("a" + ShardRepair.CUTTING).resolve("x"));
        Files.createDirectories(dir.resolve("a" + ShardRepair.CUT));
        try (Journal journal = Journal.open(context())) {
            assertEquals(before, readAll(journal.shard("a")), "the original, checked again by the router");
            assertEquals(java.util.Set.of("a"), journal.shardNames());
        }
        assertFalse(Files.exists(dir.resolve("a" + ShardRepair.CUTTING)));
        assertFalse(Files.exists(dir.resolve("a" + ShardRepair.CUT)));
    }

    @Test
    void shouldSetAsideAJournalThatCannotBeOpenedWhenNothingChecksIt() throws Exception {
        final List<Seen> before = write(200);
        final Path last = shardFile("v199-");
        truncate(last, find(last, "v180-"));
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a"); // as before checks existed: set aside, starts empty
            assertEquals(0, shard.endOffset());
            assertNotNull(journal.setAside().get("a"));
            assertTrue(before.size() > 0);
        }
    }
}
