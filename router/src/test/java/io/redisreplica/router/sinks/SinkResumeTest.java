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

    /** Appends a SET per upstream offset; returns each entry's end offset. */
    private static long[] append(ShardJournal shard, long initial, long... upstream) {
        final JournalWriter writer = shard.writer(initial);
        final long[] ends = new long[upstream.length];
        for (int i = 0; i < upstream.length; i++) {
            final String value = "v".repeat(i + 1);
            final String command = "*3\r\n$3\r\nSET\r\n$3\r\na:" + i + "\r\n$" + value.length() + "\r\n" + value + "\r\n";
            writer.append(upstream[i], 0, 0, command.getBytes(StandardCharsets.US_ASCII));
            ends[i] = writer.commit();
        }
        return ends;
    }

    /** The end offsets of the entries a sink at {@code resume} delivers. */
    private static List<Long> delivered(ShardJournal shard, SinkResume resume) {
        final List<Long> ends = new ArrayList<>();
        try (JournalReader reader = shard.reader()) {
            assertEquals(SeekResult.BOUNDARY, reader.seek(resume.start()));
            final JournalEntry entry = new JournalEntry();
            while (reader.next(entry)) {
                if (!resume.deliveredBefore(entry)) {
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
        assertNull(resume.gap());
    }

    @Test
    void shouldGoOnAtTheRecordedOffsetOfTheSameJournal() {
        final ShardJournal shard = open();
        final long[] ends = append(shard, 0, 10, 20, 30);
        final SinkResume resume = SinkResume.of(shard, 0, new SinkPosition(ends[1], shard.history().currentId(), 20, 1));
        assertEquals(List.of(ends[2]), delivered(shard, resume));
        assertNull(resume.gap());
    }

    @Test
    void shouldTakeABareOffsetRecordedByAnEarlierVersionAsItIs() {
        final ShardJournal shard = open();
        final long[] ends = append(shard, 0, 10, 20, 30);
        final SinkResume resume = SinkResume.of(shard, 0, SinkPosition.parse(Long.toString(ends[0]), "test"));
        assertEquals(List.of(ends[1], ends[2]), delivered(shard, resume));
        assertNull(resume.gap());
    }

    @Test
    void shouldStartAtTheSnapshotWithAGapWhenThePositionIsOfAJournalSetAside() {
        final ShardJournal shard = open();
        final long[] ends = append(shard, 0, 10, 20, 30);
        final SinkResume resume = SinkResume.of(shard, ends[1], new SinkPosition(ends[0], "0123456789abcdef", 10, 1));
        assertEquals(ends[1], resume.start(), "the new journal's snapshot, not the old journal's offset");
        assertNotNull(resume.gap());
        assertTrue(resume.gap().contains("not in this journal"), resume.gap());
    }

    @Test
    void shouldStartWithAGapWhenRetentionPassedTheRecordedOffset() {
        final ShardJournal shard = open();
        append(shard, 5_000, 10, 20);
        final SinkResume resume = SinkResume.of(shard, -1, new SinkPosition(100, shard.history().currentId(), 5, 1));
        assertEquals(5_000, resume.start());
        assertTrue(resume.gap().contains("retention passed it"), resume.gap());
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
        assertNull(resume.gap(), "nothing lost, nothing twice");
        assertEquals(List.of(ends[3], ends[4]), delivered(shard, resume));
    }

    @Test
    void shouldGoOnFromTheEndByUpstreamOffsetWhenTheJournalLostEntriesTheSinkHad() {
        final ShardJournal shard = open();
        final long[] ends = append(shard, 0, 10, 20);
        final SinkResume resume = SinkResume.of(shard, 0, new SinkPosition(ends[1] + 500, shard.history().currentId(), 25, 1));
        assertEquals(ends[1], resume.start());
        assertNull(resume.gap());
    }
}
