package io.redisreplica.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILL a JVM in the middle of appends; everything it committed must be there, once, in order. */
class JournalCrashIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryCommittedAppendAcrossKillNine() throws Exception {
        long lastCommitted = -1;
        for (int round = 0; round < 3; round++) {
            final Process child = ChildJvm.start(AppendingChild.class, List.of("-Xmx128m"), ChildJvm.testClassPath(), Map.of(),
                dir.toString(), Integer.toString(7 + round * 50));
            try {
                lastCommitted = killMidAppend(child, lastCommitted, 300 + round * 200L);
            } finally {
                child.destroyForcibly();
            }
            lastCommitted = verify(lastCommitted);
        }
        assertTrue(lastCommitted > 1000, "appended " + lastCommitted);
    }

    /** Reads the child's acknowledgements for a while, then SIGKILLs it. Returns the last acknowledged sequence. */
    private static long killMidAppend(Process child, long lastCommitted, long runMillis) throws Exception {
        final BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
        final String ready = out.readLine();
        assertTrue(ready != null && ready.startsWith("ready "), "child said: " + ready);
        assertEquals(lastCommitted + 1, Long.parseLong(ready.split(" ")[1]), "resumes after the last entry");
        final long until = System.currentTimeMillis() + runMillis;
        String line;
        while ((line = out.readLine()) != null && System.currentTimeMillis() < until) {
            lastCommitted = Math.max(lastCommitted, Long.parseLong(line.split(" ")[1]));
        }
        child.destroyForcibly(); // SIGKILL, mid-append
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        // whatever it printed before dying counts as acknowledged
        try {
            while ((line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    lastCommitted = Math.max(lastCommitted, Long.parseLong(line.split(" ")[1]));
                }
            }
        } catch (java.io.IOException closed) {
            // the JDK closes a dead child's pipe once drained: nothing more was printed
        }
        return lastCommitted;
    }

    /** Every entry 0..n once and in order, offsets contiguous; n >= what was acknowledged. Returns n. */
    private long verify(long acknowledged) {
        try (Journal journal = Journal.open(new JournalContext().dir(dir).rollCycle(JournalContext.Roll.SECONDLY).minFreeBytes(0))) {
            final ShardJournal shard = journal.shard("a");
            final JournalEntry entry = new JournalEntry();
            long expectedSeq = 0;
            long expectedStart = 0;
            try (JournalReader reader = shard.reader()) {
                while (reader.next(entry)) {
                    assertEquals(expectedSeq, entry.upstreamOffset(), "no gap, no duplicate");
                    assertEquals(expectedStart, entry.startOffset(), "offsets contiguous");
                    final byte[] bytes = new byte[entry.payloadLength()];
                    entry.payload().getBytes(entry.payloadOffset(), bytes);
                    assertTrue(new String(bytes, StandardCharsets.US_ASCII).endsWith("\r\n" + expectedSeq + "\r\n"));
                    expectedSeq++;
                    expectedStart = entry.endOffset();
                }
            }
            assertTrue(expectedSeq - 1 >= acknowledged, "lost acknowledged entries: have up to " + (expectedSeq - 1)
                + ", acknowledged " + acknowledged);
            assertEquals(expectedStart, shard.endOffset());
            assertEquals(expectedSeq - 1, journal.upstreamOffsetCovered());
            return expectedSeq - 1;
        }
    }
}
