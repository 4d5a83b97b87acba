package io.redisreplica.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalHistoryTest {
    @TempDir
    Path dir;

    private static JournalHistory.Resolution same(long at) {
        return new JournalHistory.Resolution(JournalHistory.Match.SAME, at);
    }

    private static JournalHistory.Resolution forked(long at) {
        return new JournalHistory.Resolution(JournalHistory.Match.FORKED, at);
    }

    @Test
    void shouldGiveEachWritableOpenALineSoAPositionAnEarlierRunRecordedPastTheEndGoesOnFromTheEnd() {
        final JournalHistory first = JournalHistory.opened(dir, 0, true);
        final JournalHistory second = JournalHistory.opened(dir, 5_000, false); // the journal lost its tail after 5000
        assertNotEquals(first.currentId(), second.currentId());
        assertEquals(same(4_000), second.resolve(first.currentId(), 4_000));
        assertEquals(forked(5_000), second.resolve(first.currentId(), 6_000), "past the end it opened with: by upstream offset");
        assertEquals(same(6_000), second.resolve(second.currentId(), 6_000), "recorded in this run");
    }

    @Test
    void shouldLeaveAJournalLookedAtWithoutALine() {
        assertNull(JournalHistory.readQuietly(dir).currentId());
        assertEquals(JournalHistory.Match.SAME, JournalHistory.readQuietly(dir).resolve(null, 5).match(), "a bare offset as it is");
    }

    @Test
    void shouldShareOnlyUpToTheEarliestLaterCut() {
        final JournalHistory a = JournalHistory.opened(dir, 900, false);
        final JournalHistory b = a.append(1000);
        final JournalHistory c = b.append(600).write(dir); // a second cut, further back
        assertEquals(forked(600), c.resolve(a.currentId(), 800));
        assertEquals(forked(600), c.resolve(b.currentId(), 800));
        assertEquals(same(800), c.resolve(c.currentId(), 800));
        assertEquals(same(600), JournalHistory.readQuietly(dir).resolve(a.currentId(), 600));
    }

    @Test
    void shouldTakeABareOffsetOnTheFirstLineOfAJournalThatHadEntriesButNotOfOneMadeAnew() throws Exception {
        final JournalHistory adopted = JournalHistory.opened(dir, 900, false);
        assertEquals(same(500), adopted.append(900).resolve(null, 500));
        final Path fresh = Files.createDirectories(dir.resolve("fresh"));
        assertEquals(JournalHistory.Match.UNKNOWN, JournalHistory.opened(fresh, 0, true).resolve(null, 500).match(),
            "a journal made anew (a damaged one set aside) says nothing of an old offset");
    }

    @Test
    void shouldNotKnowAPositionOfAnotherJournal() {
        JournalHistory.opened(dir, 0, true);
        assertEquals(JournalHistory.Match.UNKNOWN, JournalHistory.readQuietly(dir).resolve("0123456789abcdef", 10).match());
    }

    @Test
    void shouldReplaceAMangledHistoryInsteadOfFailingTheJournal() throws Exception {
        Files.writeString(dir.resolve(JournalHistory.FILE), "abc 0\nnonsense\n");
        final JournalHistory renewed = JournalHistory.opened(dir, 700, false);
        assertEquals(JournalHistory.Match.UNKNOWN, renewed.resolve("abc", 10).match());
        assertEquals(renewed.currentId(), JournalHistory.readQuietly(dir).currentId());
    }

    @Test
    void shouldKeepAtMostMaxLines() {
        JournalHistory h = JournalHistory.opened(dir, 0, true);
        final String first = h.currentId();
        for (int i = 0; i < JournalHistory.MAX_LINES + 5; i++) {
            h = h.append(i);
        }
        assertEquals(JournalHistory.Match.UNKNOWN, h.resolve(first, 0).match(), "too many starts back");
        assertEquals(JournalHistory.MAX_LINES, h.toString().split("Line\\[").length - 1);
    }
}
