package io.redisreplica.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries longer than a piece: written as several documents, read whole or piece by piece, never split by a seek. */
class JournalPiecesTest {
    private static final int PIECE = 10;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    private JournalContext context() {
        return new JournalContext().dir(dir).rollCycle(JournalContext.Roll.SECONDLY).clockMillis(clock::get).minFreeBytes(0)
            .maxPieceLength(PIECE);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(JournalEntry entry) {
        final byte[] b = new byte[entry.payloadLength()];
        entry.payload().getBytes(entry.payloadOffset(), b);
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static List<String> readAll(JournalReader reader) {
        final List<String> out = new ArrayList<>();
        final JournalEntry entry = new JournalEntry();
        while (reader.next(entry)) {
            out.add(entry.startOffset() + ".." + entry.endOffset() + ":" + entry.upstreamOffset() + ":" + entry.flags() + ":" + text(entry));
        }
        return out;
    }

    private static final String BIG = "0123456789abcdefghijABCDEFGHIJxyz"; // 33 bytes: pieces of 10, 10, 10, 3

    @Test
    void shouldWriteALongEntryAsPiecesAndReadItBackWhole() {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(100);
            writer.append(1, 0, 0, bytes("small"));
            assertEquals(138, writer.append(2, 3, JournalEntryDescriptor.FLAG_EPOCH_START, bytes(BIG)));
            writer.append(3, 0, 0, bytes("after"));
            writer.commit();
            assertEquals(143, shard.endOffset());
            assertEquals(6, shard.entryCount(), "documents: one, four pieces, one");
            assertEquals(1, writer.pieceEntries());
            try (JournalReader reader = shard.reader()) {
                assertEquals(List.of("100..105:1:0:small", "105..138:2:" + JournalEntryDescriptor.FLAG_EPOCH_START + ":" + BIG,
                    "138..143:3:0:after"), readAll(reader));
            }
        }
    }

    @Test
    void shouldReturnPiecesInOrderWithTheirFlagsAndEachPiecesEndOffset() {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            writer.append(7, 0, 0, bytes("x"));
            writer.append(9, 2, 0, bytes(BIG));
            writer.commit();
            final List<String> pieces = new ArrayList<>();
            final JournalEntry entry = new JournalEntry();
            try (JournalReader reader = shard.reader()) {
                while (reader.nextPiece(entry)) {
                    pieces.add(entry.startOffset() + ".." + entry.endOffset() + ":" + entry.upstreamOffset() + ":" + entry.db() + ":"
                        + entry.flags() + ":" + text(entry));
                }
            }
            final int c = JournalEntryDescriptor.FLAG_CONTINUED;
            final int n = JournalEntryDescriptor.FLAG_CONTINUATION;
            // every piece but the last carries the upstream offset of the entry before it
            assertEquals(List.of("0..1:7:0:0:x", "1..11:7:2:" + c + ":0123456789", "11..21:7:2:" + (c | n) + ":abcdefghij",
                "21..31:7:2:" + (c | n) + ":ABCDEFGHIJ", "31..34:9:2:" + n + ":xyz"), pieces);
        }
    }

    @Test
    void shouldContinueOnlyAtTheBoundariesOfAnEntryInPieces() {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            writer.append(1, 0, 0, bytes("ab"));
            writer.append(2, 0, 0, bytes(BIG)); // 2..35, pieces end at 12, 22, 32
            writer.append(3, 0, 0, bytes("cd")); // 35..37
            writer.commit();
            try (JournalReader reader = shard.reader()) {
                for (long inside : new long[] {3, 11, 12, 13, 22, 32, 34}) {
                    assertEquals(SeekResult.NOT_BOUNDARY, reader.seek(inside), "offset " + inside);
                }
                assertEquals(SeekResult.BOUNDARY, reader.seek(2));
                assertEquals(List.of("2..35:2:0:" + BIG, "35..37:3:0:cd"), readAll(reader));
                assertEquals(SeekResult.BOUNDARY, reader.seek(35));
                assertEquals(List.of("35..37:3:0:cd"), readAll(reader));
            }
            writer.append(4, 0, 0, bytes(BIG)); // the last entry in pieces: 37..70
            writer.commit();
            try (JournalReader reader = shard.reader()) {
                assertEquals(SeekResult.NOT_BOUNDARY, reader.seek(67), "the end of its last continued piece");
                assertEquals(SeekResult.BOUNDARY, reader.seek(70));
                assertFalse(reader.next(new JournalEntry()));
                assertEquals(SeekResult.BOUNDARY, reader.seek(37));
                assertEquals(List.of("37..70:4:0:" + BIG), readAll(reader));
            }
        }
    }

    @Test
    void shouldShowAnEntryInPiecesOnlyOnceItIsCommittedWhole() {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            try (JournalReader reader = shard.reader()) {
                final JournalEntry entry = new JournalEntry();
                writer.append(1, 0, 0, bytes(BIG));
                assertFalse(reader.nextPiece(entry));
                assertFalse(reader.next(entry));
                writer.commit();
                assertTrue(reader.next(entry));
                assertEquals(BIG, text(entry));
            }
        }
    }

    @Test
    void shouldSkipPiecesOfAnEntryWhoseAppendFailedAndContinueAtItsStart() {
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            writer.append(1, 0, 0, bytes("ab"));
            writer.commit();
            // 25 bytes asked of a 15-byte buffer: the first piece is written, the second fails
            final UnsafeBuffer tooShort = new UnsafeBuffer(new byte[15]);
            assertThrows(JournalException.class, () -> writer.append(2, 0, 0, tooShort, 0, 25));
            assertEquals(2, writer.endOffset());
            assertEquals(1, writer.lastUpstreamOffset());
            writer.append(3, 0, 0, bytes("cd"));
            writer.commit();
            try (JournalReader reader = shard.reader()) {
                assertEquals(List.of("0..2:1:0:ab", "2..4:3:0:cd"), readAll(reader));
                assertEquals(1, reader.skippedPieces(), "the abandoned first piece");
                assertEquals(SeekResult.BOUNDARY, reader.seek(2));
                assertEquals(List.of("2..4:3:0:cd"), readAll(reader));
                assertEquals(SeekResult.BOUNDARY, reader.seek(4));
            }
        }
    }

    @Test
    void shouldReopenAJournalEndingInUnfinishedPiecesAtTheStartOfTheirEntry() {
        try (Journal journal = Journal.open(context())) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(5, 0, 0, bytes("ab"));
            writer.commit();
            assertThrows(JournalException.class, () -> writer.append(6, 0, 0, new UnsafeBuffer(new byte[15]), 0, 25));
        }
        try (Journal journal = Journal.open(context())) {
            final ShardJournal shard = journal.shard("a");
            assertEquals(2, shard.endOffset(), "the unfinished entry is not in the journal");
            assertEquals(5, shard.lastUpstreamOffset(), "the router resumes upstream after the last whole entry");
            final JournalWriter writer = shard.writer(0);
            writer.append(7, 0, 0, bytes(BIG));
            writer.commit();
            try (JournalReader reader = shard.reader()) {
                assertEquals(List.of("0..2:5:0:ab", "2..35:7:0:" + BIG), readAll(reader));
                assertEquals(SeekResult.BOUNDARY, reader.seek(2));
                assertEquals(List.of("2..35:7:0:" + BIG), readAll(reader));
            }
        }
    }

    @Test
    void shouldStartAfterTailPiecesWhoseHeadRetentionDeleted() {
        final java.util.concurrent.atomic.AtomicBoolean ticking = new java.util.concurrent.atomic.AtomicBoolean();
        // a clock that moves a second each time Chronicle reads it: every piece lands in a file of its own
        try (Journal journal = Journal.open(context().clockMillis(() -> ticking.get() ? clock.addAndGet(1_000) : clock.get()))) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            writer.append(1, 0, 0, bytes("ab"));
            writer.commit();
            ticking.set(true);
            writer.append(2, 0, 0, bytes(BIG)); // 2..35 in four pieces
            ticking.set(false);
            writer.append(3, 0, 0, bytes("cd")); // 35..37
            writer.commit();
            assertTrue(shard.fileStats().files() >= 3, "the pieces are spread over files: " + shard.fileStats().files());
            // a holder inside the entry (a 2.8 replica counts bytes read): the files up to it go, the entry's last piece stays
            final ShardJournal.RetentionReport report = shard.applyRetention(Map.of("replica", 32L), clock.get());
            assertTrue(report.filesDeleted() >= 2, report.toString());
            assertEquals(35, shard.firstOffset(), "the tail piece is not an entry");
            try (JournalReader reader = shard.reader()) {
                assertEquals(List.of("35..37:3:0:cd"), readAll(reader));
                assertEquals(1, reader.skippedPieces());
            }
            try (JournalReader reader = shard.reader()) {
                assertEquals(SeekResult.BOUNDARY, reader.seek(35));
                assertEquals(SeekResult.BEFORE_START, reader.seek(32), "the start of the tail piece: before the first entry");
                assertEquals(SeekResult.BEFORE_START, reader.seek(2));
            }
        }
    }

    @Test
    void shouldReadABigEntryWholeWithDefaultPieces() {
        try (Journal journal = Journal.open(context().maxPieceLength(JournalContext.DEFAULT_MAX_PIECE_LENGTH))) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            final byte[] big = new byte[20 * 1024 * 1024 + 7];
            new java.util.Random(1).nextBytes(big);
            writer.append(1, 0, 0, big);
            writer.commit();
            assertEquals(6, shard.entryCount());
            try (JournalReader reader = shard.reader()) {
                final JournalEntry entry = new JournalEntry();
                assertTrue(reader.next(entry));
                final byte[] back = new byte[entry.payloadLength()];
                entry.payload().getBytes(entry.payloadOffset(), back);
                assertArrayEquals(big, back);
                assertEquals(0, entry.startOffset());
            }
        }
    }
}
