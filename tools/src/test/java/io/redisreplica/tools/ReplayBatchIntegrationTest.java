package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * The pipelined batches of a standalone replay: the next batch's body is on the wire while the
 * last one's EXEC runs, and its EXEC follows only once that one applied. A replay stopped between
 * a batch's body and its EXEC applies nothing of that batch, and a batch the target refuses when
 * queueing is never overtaken by the one sent after it. Every key of the target is compared with
 * a reference Redis that received the same commands directly.
 */
class ReplayBatchIntegrationTest {
    private static final int ENTRIES = 1500;
    private static final int BATCH = 7;
    private static final String CHECKPOINT = "redis-replica:replay:a";

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    /** Each entry's command and db, as journaled. */
    private final List<Object[]> commands = new ArrayList<>();
    private final List<Integer> dbs = new ArrayList<>();
    /** Each entry's end offset in the shard. */
    private final List<Long> ends = new ArrayList<>();

    /** INCRs and RPUSHes over dbs 0 and 1; {@code badAt}: that entry is an INCR with a missing argument (refused when queued). */
    private void writeJournal(int badAt) {
        try (Journal journal = Journal.open(new JournalContext().dir(dir.resolve("journal")).minFreeBytes(0))) {
            final JournalWriter writer = journal.shard("a").writer(0);
            final ExpandableArrayBuffer buf = new ExpandableArrayBuffer();
            final RespWriter w = new RespWriter();
            long offset = 0;
            for (int i = 0; i < ENTRIES; i++) {
                final int db = i % 5 == 0 ? 1 : 0;
                final String[] command = i == badAt ? new String[] {"INCR"}
                    : i % 3 == 0 ? new String[] {"RPUSH", "l:" + (i % 4), Integer.toString(i)} : new String[] {"INCR", "c:" + (i % 11)};
                final int length = w.wrap(buf, 0).command(command).length();
                writer.append(i, db, 0, buf, 0, length);
                offset += length;
                commands.add(command);
                dbs.add(db);
                ends.add(offset);
            }
            writer.commit();
        }
    }

    /** A Redis that received the first {@code entries} commands directly. */
    private RedisServer reference(int entries) {
        final RedisServer reference = redis.start();
        final List<Object[]> pipeline = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            pipeline.add(new Object[] {"SELECT", dbs.get(i)});
            pipeline.add(commands.get(i));
        }
        try (RedisClient c = reference.client()) {
            c.pipeline(pipeline);
        }
        return reference;
    }

    private ReplayEngine engine(Journal journal, RedisServer target) {
        return new ReplayEngine(new ReplayEngine.Options(journal, "a", null, null, null, "127.0.0.1", target.port(), null, null, BATCH,
            CHECKPOINT));
    }

    private static Journal readOnly(Path dir) {
        return Journal.open(new JournalContext().dir(dir).readOnly(true).minFreeBytes(0));
    }

    private static long checkpoint(RedisServer target) {
        try (RedisClient c = target.client()) {
            final String v = c.callString("GET", CHECKPOINT);
            return v == null ? -1 : Long.parseLong(v.split(" ")[0]); // OFFSET HISTORY UPSTREAM ENTRIES
        }
    }

    /** The target without its checkpoint key equals the reference, key by key, in both dbs. */
    private static void assertSameData(RedisServer reference, RedisServer target, String when) {
        try (RedisClient c = target.client()) {
            c.call("DEL", CHECKPOINT);
        }
        DatasetComparison.of(reference, List.of(target), key -> 0).assertEqual(when);
    }

    @Test
    void shouldApplyNothingOfABatchWhenTheReplayStopsBetweenItsBodyAndItsExec() throws Exception {
        writeJournal(-1);
        final RedisServer target = redis.start();
        for (int stopAt : new int[] {1, 2, 9, 30}) { // the first batch goes whole; the others' EXEC waits for the last's replies
            final int[] bodies = {0};
            final long[] lastBefore = {checkpoint(target)};
            final long[] stoppedAt = {-1};
            try (Journal journal = readOnly(dir.resolve("journal"))) {
                final IOException stop = assertThrows(IOException.class, () -> engine(journal, target).bodySent(reached -> {
                    if (++bodies[0] == stopAt) {
                        stoppedAt[0] = reached;
                        throw new IOException("stopped after the body of the batch ending at " + reached);
                    }
                    lastBefore[0] = reached;
                }).run(new ReplayEngine.Listener() { }));
                assertTrue(stop.getMessage().startsWith("stopped after the body"), stop.getMessage());
            }
            // a run's first batch goes with its EXEC (nothing is in flight before it), so it applies; any other: the
            // batch before had its EXEC sent before this body, so it applies, and this one's MULTI dies with the connection
            final long expected = stopAt == 1 ? stoppedAt[0] : lastBefore[0];
            Await.until("the target at the last batch whose EXEC was sent", () -> checkpoint(target) == expected);
        }
        try (Journal journal = readOnly(dir.resolve("journal"))) {
            final ReplayEngine.Result result = engine(journal, target).run(new ReplayEngine.Listener() { });
            assertEquals(ends.get(ENTRIES - 1), result.endOffset());
        }
        assertEquals(ends.get(ENTRIES - 1), checkpoint(target));
        assertSameData(reference(ENTRIES), target, "after four stops between a body and its EXEC and a last run");
    }

    @Test
    void shouldPipelineIntoATargetThatAsksForAPassword() throws Exception {
        writeJournal(-1);
        final RedisServer target = redis.start();
        target.call("CONFIG", "SET", "requirepass", "s3cret"); // after the start: the fixture's PING does not AUTH
        try (Journal journal = readOnly(dir.resolve("journal"))) {
            final ReplayEngine.Result result = new ReplayEngine(new ReplayEngine.Options(journal, "a", null, null, null, "127.0.0.1",
                target.port(), null, "s3cret", BATCH, CHECKPOINT)).run(new ReplayEngine.Listener() { });
            assertEquals(ENTRIES, result.entries());
        }
        try (RedisClient c = target.client()) {
            c.call("AUTH", "s3cret");
            c.call("CONFIG", "SET", "requirepass", ""); // the comparison's own connections do not AUTH
        }
        assertEquals(ends.get(ENTRIES - 1), checkpoint(target));
        assertSameData(reference(ENTRIES), target, "after a replay that AUTHed both its connections");
    }

    @Test
    void shouldStopAtABatchTheTargetRefusesWithoutApplyingTheBatchSentAfterIt() throws Exception {
        final int bad = 100; // in the batch of entries 98..104; the next batch's body is on the wire when its EXECABORT comes
        writeJournal(bad);
        final RedisServer target = redis.start();
        try (Journal journal = readOnly(dir.resolve("journal"))) {
            final IOException refused = assertThrows(IOException.class, () -> engine(journal, target).run(new ReplayEngine.Listener() { }));
            assertTrue(refused.getMessage().startsWith("the target refused the batch ending at offset " + ends.get(104) + ": ERR wrong number "
                + "of arguments for 'incr' command (entry at offset " + ends.get(bad - 1) + ": "), refused.getMessage());
        }
        assertEquals(ends.get(97), checkpoint(target), "the batches before the refused one, and nothing after");
        assertSameData(reference(98), target, "after the refused batch");
    }
}
