package io.redisreplica.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A replica that attaches at a new shard's first snapshot (offset 0) while the router writes the
 * journal's first entry: the journal's end must be a boundary even while the file that entry goes
 * to exists with no whole document in it (seen under load: "does not hold the snapshot offset 0").
 */
class SeekAtFirstEntryTest {
    @TempDir
    Path dir;

    @Test
    void shouldSeekToTheEndOfAnEmptyJournalWhileItsFirstEntryIsBeingWritten() {
        final JournalContext context = new JournalContext().dir(dir).minFreeBytes(0);
        try (Journal journal = Journal.open(context)) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(0);
            try (JournalReader reader = shard.reader()) {
                final ExcerptAppender other = shard.queue().createAppender();
                try (DocumentContext dc = other.writingDocument()) {
                    // the first file now exists, its first document not whole
                    assertEquals(SeekResult.BOUNDARY, reader.seek(0), "the end of what is committed, with the first entry on its way");
                    dc.rollbackOnClose();
                }
                final byte[] set = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n".getBytes(StandardCharsets.US_ASCII);
                writer.append(10, 0, 0, set);
                writer.commit();
                final JournalEntry entry = new JournalEntry();
                assertTrue(reader.next(entry), "the first entry, read from where the seek left the reader");
                assertEquals(0, entry.startOffset());
                assertEquals(set.length, entry.endOffset());
                assertFalse(reader.next(entry));
            }
        }
    }
    @Test
    void shouldNotTakeAnEndBeforeTheJournalsFirstWholeEntryForItsStart() {
        final JournalContext context = new JournalContext().dir(dir).minFreeBytes(0);
        try (Journal journal = Journal.open(context)) {
            final ShardJournal shard = journal.shard("a");
            final JournalWriter writer = shard.writer(100);
            final byte[] set = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n".getBytes(StandardCharsets.US_ASCII);
            writer.append(110, 0, 0, set);
            writer.commit();
            final EntryLocator locator = new EntryLocator("a", shard.queue());
            final net.openhft.chronicle.queue.ExcerptTailer tailer = shard.queue().createTailer();
            // an end of 50 the files do not hold: the first whole entry starts at 100
            assertEquals(SeekResult.BEFORE_START, locator.locate(50, tailer, 50, 50));
            assertEquals(SeekResult.BOUNDARY, locator.locate(100, tailer, 100 + set.length, 100 + set.length));
        }
    }
}
