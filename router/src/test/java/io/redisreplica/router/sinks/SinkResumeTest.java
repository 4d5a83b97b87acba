package io.redisreplica.router.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.JournalWriter;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.journal.ShardJournal;

/** Where a sink goes on, against a real shard journal whose history is as each case needs. */
class SinkResumeTest {
    @TempDir
    Path dir;
    private Journal journal;

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
        }
    }

    private ShardJournal open() {
        journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0));
        return journal.shard("a");
    }

    /** Appends a SET per upstream offset (a negative one: a value read from the master, upstream -u); returns each entry's end offset. */
    private static long[] append(ShardJournal shard, long initial, long... upstream) {
        final JournalWriter writer = shard.writer(initial);
        final long[] ends = new long[upstream.length];
        for (int i = 0; i < upstream.length; i++) {
            final String value = "v".repeat(i + 1);
            final String command = "*3\r\n$3\r\nSET\r\n$3\r\na:" + i + "\r\n$" + value.length() + "\r\n" + value + "\r\n";
            writer.append(Math.abs(upstream[i]), 0, upstream[i] < 0 ? JournalEntryDescriptor.FLAG_READ : 0,
                command.getBytes(StandardCharsets.US_ASCII));
            ends[i] = writer.commit();
        }
        return ends;
    }

    /** Closes the journal and opens it again, as a restart of the router does (a new line of its history). */
    private ShardJournal reopen() {
        journal.close();
        return open();
    }

    /** The end offsets of the entries a sink at {@code resume} delivers. */
    private static List<Long> delivered(ShardJournal shard, SinkResume resume) {
        final List<Long> ends = new ArrayList<>();
        try (JournalReader reader = shard.reader()) {
            assertEquals(SeekResult.BOUNDARY, reader.seek(resume.start()));
            final JournalEntry entry = new JournalEntry();
            while (reader.next(entry)) {
                if (!resume.deliveredBefore(entry, -1)) {
                    ends.add(entry.endOffset());
                }
            }
        }
        return ends;
    }

    @Test
    void shouldStartANewSinkAtTheShardsSnapshot() {
        final ShardJournal shard = open();
        final long[] ends = append(shard, 0, 10, 20, 30);
        final SinkResume resume = SinkResume.of(shard, ends[0], null);
        assertEquals(ends[0], resume.start());
        assertNull(resume.lost());
    }

    @Test
    void shouldGoOnAtTheRecordedOffsetOfTheSameJournal() {
        final ShardJournal shard = open();
        final long[] ends = append(shard, 0, 10, 20, 30);
        final SinkResume resume = SinkResume.of(shard, 0, new SinkPosition(ends[1], shard.history().currentId(), 20, 1));
        assertEquals(List.of(ends[2]), delivered(shard, resume));
        assertNull(resume.lost());
    }

    @Test
    void shouldTakeABareOffsetRecordedByAnEarlierVersionAsItIs() throws Exception {
        ShardJournal shard = open();
        final long[] ends = append(shard, 0, 10, 20, 30);
        journal.close();
        Files.delete(dir.resolve("a").resolve("history")); // a journal from before histories were recorded
        shard = open();
        final SinkResume resume = SinkResume.of(shard, 0, SinkPosition.parse(Long.toString(ends[0]), "test"));
        assertEquals(List.of(ends[1], ends[2]), delivered(shard, resume));
        assertNull(resume.lost());
    }

    @Test
    void shouldStartAtTheSnapshotWithAGapWhenThePositionIsOfAJournalSetAside() {
        final ShardJournal shard = open();
        final long[] ends = append(shard, 0, 10, 20, 30);
        final SinkResume resume = SinkResume.of(shard, ends[1], new SinkPosition(ends[0], "0123456789abcdef", 10, 1));
        assertEquals(ends[1], resume.start(), "the new journal's snapshot, not the old journal's offset");
        assertNotNull(resume.lost());
        assertTrue(resume.lost().contains("not in this journal"), resume.lost());
    }

    @Test
    void shouldStartWithAGapWhenRetentionPassedTheRecordedOffset() {
        final ShardJournal shard = open();
        append(shard, 5_000, 10, 20);
        final SinkResume resume = SinkResume.of(shard, -1, new SinkPosition(100, shard.history().currentId(), 5, 1));
        assertEquals(5_000, resume.start());
        assertTrue(resume.lost().contains("retention passed it"), resume.lost());
    }

    /**
     * The journal was cut back behind the sink's position and journaled again at other offsets
     * (one master command, upstream 30, makes two entries): the sink goes on from the cut and
     * passes over what it had by upstream offset, the second entry of upstream 30 included.
     */
    @Test
    void shouldGoOnFromACutBackByUpstreamOffsetPassingOverWhatItDelivered() throws Exception {
        ShardJournal shard = open();
        final long[] ends = append(shard, 0, 10, 20, 30, 30, 40);
        final String before = shard.history().currentId();
        journal.close();
        final Path history = dir.resolve("a").resolve("history");
        Files.writeString(history, Files.readString(history) + "00000000000000ff " + ends[1] + "\n");
        shard = open();
        // recorded on the old line after the first entry of upstream 30, at an offset the new line does not have
        final SinkResume resume = SinkResume.of(shard, 0, new SinkPosition(ends[2] + 3, before, 30, 1));
        assertEquals(ends[1], resume.start(), "from the cut");
        assertNull(resume.lost(), "nothing lost, nothing twice");
        assertEquals(List.of(ends[3], ends[4]), delivered(shard, resume));
    }

    /**
     * The journal lost entries the sink had (its tail, after a power loss): the next run's journal
     * line starts at the end it opened with, so the earlier run's position past it goes on from
     * there by upstream offset, however far the link has journaled again meanwhile.
     */
    @Test
    void shouldGoOnFromTheEndItOpenedWithWhenTheJournalLostEntriesTheSinkHad() {
        ShardJournal shard = open();
        final long[] ends = append(shard, 0, 10, 20);
        final String earlierRun = shard.history().currentId();
        shard = reopen();
        final long[] again = append(shard, 0, 25, 30); // the link journaled the lost command (25) again, and more
        final SinkResume resume = SinkResume.of(shard, 0, new SinkPosition(ends[1] + 7, earlierRun, 25, 1));
        assertEquals(ends[1], resume.start(), "from the end this run opened with");
        assertNull(resume.lost());
        assertEquals(List.of(again[1]), delivered(shard, resume), "25 delivered before: passed over");
    }

    @Test
    void shouldNeverPassOverAValueReadFromTheMaster() throws Exception {
        ShardJournal shard = open();
        final long[] ends = append(shard, 0, 10, 20, -25, 30, 40); // -25: a translated key's value, read back
        final String before = shard.history().currentId();
        journal.close();
        final Path history = dir.resolve("a").resolve("history");
        Files.writeString(history, Files.readString(history) + "00000000000000ff " + ends[1] + "\n");
        shard = open();
        final SinkResume resume = SinkResume.of(shard, 0, new SinkPosition(ends[4] + 3, before, 30, 1));
        assertEquals(List.of(ends[2], ends[4]), delivered(shard, resume), "the read value kept (maybe twice), 30 passed over");
    }

    @Test
    void shouldStopPassingOverAtANewSnapshot() throws Exception {
        ShardJournal shard = open();
        final long[] ends = append(shard, 0, 10, 20, 30);
        final String before = shard.history().currentId();
        journal.close();
        final Path history = dir.resolve("a").resolve("history");
        Files.writeString(history, Files.readString(history) + "00000000000000ff " + ends[0] + "\n");
        shard = open();
        final SinkResume resume = SinkResume.of(shard, 0, new SinkPosition(ends[2] + 3, before, 30, 1));
        final List<Long> got = new java.util.ArrayList<>();
        try (JournalReader reader = shard.reader()) {
            reader.seek(resume.start());
            final JournalEntry entry = new JournalEntry();
            while (reader.next(entry)) {
                if (!resume.deliveredBefore(entry, ends[1])) { // a full sync's snapshot at ends[1]: offsets from there are new
                    got.add(entry.endOffset());
                }
            }
        }
        assertEquals(List.of(ends[2]), got);
    }
}
