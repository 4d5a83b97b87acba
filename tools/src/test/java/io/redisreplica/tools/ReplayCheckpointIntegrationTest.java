package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.JournalWriter;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * The replay's checkpoint value names the journal line it was recorded on, as a sink's position
 * does: a bare offset (an earlier version's) is still read; a value of a journal made anew stops
 * the replay instead of being read as an offset of this one; a value recorded past where the
 * journal parted goes on at the parting, passing over the entries whose upstream offsets the
 * target had. Every key compared with a reference Redis that received the commands directly.
 */
class ReplayCheckpointIntegrationTest {
    private static final String CHECKPOINT = "redis-replica:replay:a";

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private final List<String[]> commands = new ArrayList<>();
    private final List<Long> ends = new ArrayList<>();

    /** Appends {@code count} INCRs and RPUSHes in one writable open of the journal (each open starts a journal line); upstream offset = index. */
    private void append(int count) {
        try (Journal journal = Journal.open(new JournalContext().dir(dir.resolve("journal")).minFreeBytes(0))) {
            final JournalWriter writer = journal.shard("a").writer(ends.isEmpty() ? 0 : ends.get(ends.size() - 1));
            final ExpandableArrayBuffer buf = new ExpandableArrayBuffer();
            final RespWriter w = new RespWriter();
            long offset = ends.isEmpty() ? 0 : ends.get(ends.size() - 1);
            for (int n = 0; n < count; n++) {
                final int i = commands.size();
                final String[] command = i % 3 == 0 ? new String[] {"RPUSH", "l:" + (i % 4), Integer.toString(i)} : new String[] {"INCR",
                    "c:" + (i % 11)};
                final int length = w.wrap(buf, 0).command(command).length();
                writer.append(i, 0, 0, buf, 0, length);
                offset += length;
                commands.add(command);
                ends.add(offset);
            }
            writer.commit();
        }
    }

    /** A Redis that received the first {@code entries} commands directly. */
    private RedisServer applied(int entries) {
        final RedisServer server = redis.start();
        final List<Object[]> pipeline = new ArrayList<>(commands.subList(0, entries));
        try (RedisClient c = server.client()) {
            c.pipeline(pipeline);
        }
        return server;
    }

    private ReplayEngine.Result replay(RedisServer target) throws Exception {
        try (Journal journal = Journal.open(new JournalContext().dir(dir.resolve("journal")).readOnly(true).minFreeBytes(0))) {
            return new ReplayEngine(new ReplayEngine.Options(journal, "a", null, null, null, "127.0.0.1", target.port(), null, null, 50,
                CHECKPOINT)).run(new ReplayEngine.Listener() { });
        }
    }

    private static void assertSameData(RedisServer reference, RedisServer target, String when) {
        try (RedisClient c = target.client()) {
            c.call("DEL", CHECKPOINT);
        }
        DatasetComparison.of(reference, List.of(target), key -> 0).assertEqual(when);
    }

    @Test
    void shouldGoOnFromABareOffsetAsEarlierVersionsWroteIt() throws Exception {
        append(600);
        final RedisServer target = applied(250);
        target.call("SET", CHECKPOINT, Long.toString(ends.get(249)));
        final ReplayEngine.Result result = replay(target);
        assertEquals(ends.get(249), result.startOffset());
        try (RedisClient c = target.client()) {
            final String[] value = c.callString("GET", CHECKPOINT).split(" ");
            assertEquals(4, value.length, "now recorded with its journal line");
            assertEquals(Long.toString(ends.get(599)), value[0]);
            assertEquals("599", value[2], "the upstream offset of the last entry applied");
            assertEquals("1", value[3]);
        }
        assertSameData(applied(600), target, "after going on from a bare offset");
    }

    @Test
    void shouldRefuseACheckpointOfAJournalMadeAnew() throws Exception {
        append(300);
        final RedisServer target = redis.start();
        target.call("SET", CHECKPOINT, ends.get(100) + " 0123456789abcdef 100 1");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> replay(target));
        assertTrue(e.getMessage().startsWith("shard a: the target's " + CHECKPOINT + " (offset " + ends.get(100) + " of journal line "
            + "0123456789abcdef) is not in this journal (line "), e.getMessage());
        assertTrue(e.getMessage().endsWith("Empty the target and replay again (it loads the shard's snapshot)"), e.getMessage());
        assertEquals(1L, (Long) target.call("DBSIZE"), "nothing applied");
    }

    @Test
    void shouldGoOnAtThePartingPassingOverWhatTheTargetHadWhenTheJournalWasCutBack() throws Exception {
        append(400);
        final String firstLine;
        try (Journal journal = Journal.open(new JournalContext().dir(dir.resolve("journal")).readOnly(true).minFreeBytes(0))) {
            firstLine = journal.shard("a").history().currentId();
        }
        append(400); // a second open: a new line that parts from the first at the end of entry 399
        // the target applied up to entry 549, recorded on the first line: past the parting, so its offset says nothing
        final RedisServer target = applied(550);
        target.call("SET", CHECKPOINT, ends.get(549) + " " + firstLine + " 549 1");
        final ReplayEngine.Result result = replay(target);
        assertEquals(ends.get(399), result.startOffset(), "at the parting");
        assertSameData(applied(800), target, "after passing over what the target had");
    }
}
