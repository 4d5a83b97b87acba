package io.redisreplica.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalHistoryTest {
    @TempDir
    Path dir;

    @Test
    void shouldGiveAJournalWithoutHistoryOneIdThatStaysAcrossOpens() {
        final String first = JournalHistory.readOrCreate(dir).currentId();
        assertEquals(first, JournalHistory.readOrCreate(dir).currentId());
        assertEquals(16, first.length());
    }

    @Test
    void shouldLeaveAJournalLookedAtWithoutAnId() {
        assertNull(JournalHistory.read(dir).currentId());
        assertEquals(JournalHistory.Match.SAME, JournalHistory.read(dir).resolve(null, 5).match(), "a bare offset is taken as it is");
    }

    @Test
    void shouldGoOnAtAPositionOnTheCurrentLine() {
        final JournalHistory h = JournalHistory.readOrCreate(dir);
        assertEquals(new JournalHistory.Resolution(JournalHistory.Match.SAME, 1234), h.resolve(h.currentId(), 1234));
    }

    @Test
    void shouldGoOnAtAPositionBeforeTheCutAndFromTheCutForOneAfterIt() {
        final JournalHistory old = JournalHistory.readOrCreate(dir);
        final JournalHistory cut = old.append(1000).write(dir);
        assertNotEquals(old.currentId(), cut.currentId());
        final JournalHistory read = JournalHistory.read(dir);
        assertEquals(new JournalHistory.Resolution(JournalHistory.Match.SAME, 900), read.resolve(old.currentId(), 900));
        assertEquals(new JournalHistory.Resolution(JournalHistory.Match.SAME, 1000), read.resolve(old.currentId(), 1000));
        assertEquals(new JournalHistory.Resolution(JournalHistory.Match.FORKED, 1000), read.resolve(old.currentId(), 1001));
        assertEquals(new JournalHistory.Resolution(JournalHistory.Match.FORKED, 1000), read.resolve(null, 5000),
            "a bare offset was recorded on the first line");
    }

    @Test
    void shouldShareOnlyUpToTheEarliestLaterCut() {
        final JournalHistory a = JournalHistory.readOrCreate(dir);
        final JournalHistory b = a.append(1000);
        final JournalHistory c = b.append(600).write(dir); // a second cut, further back
        assertEquals(new JournalHistory.Resolution(JournalHistory.Match.FORKED, 600), c.resolve(a.currentId(), 800));
        assertEquals(new JournalHistory.Resolution(JournalHistory.Match.FORKED, 600), c.resolve(b.currentId(), 800));
        assertEquals(new JournalHistory.Resolution(JournalHistory.Match.SAME, 800), c.resolve(c.currentId(), 800));
    }

    @Test
    void shouldNotKnowAPositionOfAnotherJournal() {
        JournalHistory.readOrCreate(dir);
        assertEquals(JournalHistory.Match.UNKNOWN, JournalHistory.read(dir).resolve("0123456789abcdef", 10).match());
    }

    @Test
    void shouldNameTheFileAndLineOfAMangledHistory() throws Exception {
        Files.writeString(dir.resolve(JournalHistory.FILE), "abc 0\nnonsense\n");
        final JournalException e = assertThrows(JournalException.class, () -> JournalHistory.read(dir));
        assertEquals("journal history " + dir.resolve("history") + " line 2: expected \"ID START\", found \"nonsense\"", e.getMessage());
    }
}
