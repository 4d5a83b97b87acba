package io.redisreplica.router.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.support.SpillBuffer;
import io.redisreplica.router.support.SpillFiles;

/** What each shard's journal receives, below the routing decisions: entries, SELECTs, transactions, read values. */
class ShardEntriesTest {
    private final List<String> appended = new ArrayList<>();
    private final List<DirectBuffer> buffers = new ArrayList<>();
    private boolean journalHoldsIt;
    private final ShardEntries entries = new ShardEntries(2, (shard, db, read, bytes, offset, length) -> {
        final byte[] b = new byte[length];
        bytes.getBytes(offset, b);
        appended.add(shard + "@" + db + (read ? "*" : "") + ":" + new String(b, StandardCharsets.US_ASCII).replace("\r\n", " ").trim());
        buffers.add(bytes);
        return !journalHoldsIt;
    }, new RouteCounters(), new SpillFiles(Path.of(System.getProperty("java.io.tmpdir")), 1024));
    private final ExpandableArrayBuffer upstream = new ExpandableArrayBuffer(256);

    /** Writes a command into the upstream buffer at {@code at}; returns its length. */
    private int command(int at, String... args) {
        return new RespWriter().wrap(upstream, at).command(args).length();
    }

    @Test
    void shouldAppendAShardsPartFromTheUpstreamBufferWhenItIsTheMastersCommandAloneInTheShardsDb() {
        final int length = command(0, "SET", "k", "v");
        entries.command(upstream, length);
        entries.emit(0, 0, upstream, 0, length); // the shard's db is unknown: SELECT, so copied
        entries.commandDone();
        entries.command(upstream, length);
        entries.emit(0, 0, upstream, 0, length);
        entries.commandDone();
        assertEquals(List.of("0@0:*2 $6 SELECT $1 0 *3 $3 SET $1 k $1 v", "0@0:*3 $3 SET $1 k $1 v"), appended);
        assertSame(upstream, buffers.get(1), "not copied");
    }

    @Test
    void shouldCopyTheMastersCommandIntoTheEntryWhenASecondCommandJoinsIt() {
        entries.command(upstream, 0);
        final int first = command(0, "SET", "k", "v");
        entries.emit(0, 0, upstream, 0, first);
        entries.commandDone();
        appended.clear();
        buffers.clear();
        final int second = command(first, "DEL", "k");
        entries.command(upstream, first);
        entries.emit(0, 0, upstream, 0, first);
        entries.emit(0, 0, upstream, first, second);
        entries.commandDone();
        assertEquals(List.of("0@0:*3 $3 SET $1 k $1 v *2 $3 DEL $1 k"), appended, "one entry per master command");
        assertEquals(1, buffers.size());
        assertNotSame(upstream, buffers.get(0), "copied into the shard's entry");
    }

    @Test
    void shouldSelectAgainAfterAnEntryTheJournalAlreadyHeld() {
        final int length = command(0, "INCR", "k");
        journalHoldsIt = true;
        entries.command(upstream, length);
        entries.emit(1, 2, upstream, 0, length);
        entries.commandDone();
        journalHoldsIt = false;
        entries.command(upstream, length);
        entries.emit(1, 2, upstream, 0, length);
        entries.commandDone();
        assertEquals(List.of("1@2:*2 $6 SELECT $1 2 *2 $4 INCR $1 k", "1@2:*2 $6 SELECT $1 2 *2 $4 INCR $1 k"), appended);
    }

    @Test
    void shouldWriteATransactionAsOneMultiExecEntryPerShardThatHasCommandsInIt() {
        final int length = command(0, "INCR", "k");
        entries.command(upstream, length);
        entries.multi();
        entries.emit(1, 0, upstream, 0, length);
        entries.emit(1, 3, upstream, 0, length);
        entries.exec();
        entries.commandDone();
        assertEquals(List.of("1@0:*1 $5 MULTI *2 $6 SELECT $1 0 *2 $4 INCR $1 k *2 $6 SELECT $1 3 *2 $4 INCR $1 k *1 $4 EXEC"), appended);
    }

    @Test
    void shouldAppendReadValuesAfterTheCommandsOwnEntriesStartingWithTheirSelect() {
        final int length = command(0, "DEL", "k");
        entries.command(upstream, length);
        entries.emit(0, 0, upstream, 0, length);
        entries.restoring(true);
        entries.emit(1, 0, upstream, 0, length);
        entries.restoring(false);
        entries.commandDone();
        assertEquals(List.of("0@0:*2 $6 SELECT $1 0 *2 $3 DEL $1 k", "1@0*:*2 $6 SELECT $1 0 *2 $3 DEL $1 k"), appended);
    }

    @Test
    void shouldHoldATransactionPastTheHeapLimitInASpillFileAndAppendItWholeWithoutACopy() {
        final int length = command(0, "INCR", "k");
        entries.command(upstream, length);
        entries.multi();
        for (int i = 0; i < 200; i++) {
            entries.emit(1, 0, upstream, 0, length); // 200 x 21 bytes: past the test's 1 KB heap limit
        }
        entries.exec();
        assertEquals(1, appended.size());
        assertTrue(appended.get(0).startsWith("1@0:*1 $5 MULTI *2 $6 SELECT $1 0 *2 $4 INCR $1 k"), appended.get(0));
        assertTrue(appended.get(0).endsWith("*2 $4 INCR $1 k *1 $4 EXEC"), appended.get(0));
        assertTrue(((SpillBuffer) buffers.get(0)).spilled(), "appended from the spill file it was built in");
        entries.commandDone();
        assertTrue(!((SpillBuffer) buffers.get(0)).spilled(), "the file goes once the entry is journaled");
    }
}
