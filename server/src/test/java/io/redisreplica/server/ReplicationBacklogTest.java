package io.redisreplica.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ReplicationBacklogTest {
    private static Snapshot snapshot(String replid, long offset) {
        return Snapshot.of(replid, offset, 0, () -> new ByteArrayInputStream(new byte[0]));
    }

    private static String drain(JournalCursor cursor, int chunk) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final byte[] buf = new byte[chunk];
        int n;
        while ((n = cursor.read(buf, 0, chunk)) > 0) {
            out.write(buf, 0, n);
        }
        assertEquals(0, n, "drained, not ended");
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void shouldCountOffsetsInBytesFromTheSnapshotAndEncodeCommandsAsResp() throws Exception {
        final ReplicationBacklog b = new ReplicationBacklog(1024);
        final String id = Snapshot.newReplid();
        b.snapshot(snapshot(id, 500));
        assertEquals(500 + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".length(), b.appendCommand("SET", "k", "v"));
        assertEquals("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", drain(b.cursor(500), 7));
        assertEquals("$1\r\nv\r\n", drain(b.cursor(b.endOffset() - 7), 3));
        assertNull(b.cursor(499), "before the snapshot");
        assertNull(b.cursor(b.endOffset() + 1), "beyond the end");
    }

    @Test
    void shouldKeepTheLastCapacityBytesAcrossTheRingsWrap() throws Exception {
        final ReplicationBacklog b = new ReplicationBacklog(1024);
        b.snapshot(snapshot(Snapshot.newReplid(), 0));
        final byte[] command = new byte[300];
        for (int i = 0; i < 10; i++) {
            java.util.Arrays.fill(command, (byte) ('a' + i));
            b.append(command);
        }
        assertEquals(3000, b.endOffset());
        assertEquals(3000 - 1024, b.firstOffset());
        final String held = drain(b.cursor(2100), 100);
        assertEquals("h".repeat(300) + "i".repeat(300) + "j".repeat(300), held);
    }

    @Test
    void shouldEndACursorThatWasOverwrittenOrOfAnEarlierHistory() throws Exception {
        final ReplicationBacklog b = new ReplicationBacklog(1024);
        final String id = Snapshot.newReplid();
        b.snapshot(snapshot(id, 0));
        final JournalCursor slow = b.cursor(0);
        b.append(new byte[1000]);
        b.append(new byte[100]);
        assertEquals(JournalCursor.END, slow.read(new byte[10], 0, 10), "its position was overwritten: it must resync");

        final JournalCursor current = b.cursor(b.endOffset());
        b.snapshot(snapshot(id, b.endOffset())); // a fresher snapshot of the same history: streams go on
        b.appendCommand("PING");
        assertEquals("*1\r\n$4\r\nPING\r\n", drain(current, 64));
        b.snapshot(snapshot(Snapshot.newReplid(), 0)); // a new history
        assertEquals(JournalCursor.END, current.read(new byte[10], 0, 10));
        assertEquals(0, b.endOffset());
    }

    @Test
    void shouldTellHowLongAgoTheFirstByteAfterAnOffsetWasAppended() {
        final ReplicationBacklog backlog = new ReplicationBacklog(1024);
        backlog.snapshot(Snapshot.of(Snapshot.newReplid(), 0, 0, () -> new java.io.ByteArrayInputStream(new byte[0])));
        assertEquals(0, backlog.lagMillis(0), "nothing appended: no lag");
        final long first = backlog.appendCommand("SET", "a", "1");
        final long second = backlog.appendCommand("SET", "b", "2");
        assertEquals(0, backlog.lagMillis(second), "acknowledged to the end: no lag");
        final double newer = backlog.lagMillis(first); // asked first: the older one's clock reads later still
        final double older = backlog.lagMillis(0);
        assertTrue(older >= newer && newer >= 0, "the first append is the older: " + older + " >= " + newer);
        for (int i = 0; i < ReplicationBacklog.TIMES; i++) {
            backlog.appendCommand("PING");
        }
        final double remembered = backlog.lagMillis(first);
        assertTrue(backlog.lagMillis(0) >= remembered, "past what is remembered: the oldest time remembered");
        backlog.snapshot(Snapshot.of(Snapshot.newReplid(), 0, 0, () -> new java.io.ByteArrayInputStream(new byte[0])));
        assertEquals(0, backlog.lagMillis(0), "a new history forgets the old one's times");
    }

    @Test
    void shouldRefuseAppendsBeforeASnapshotAndLongerThanTheRing() {
        final ReplicationBacklog b = new ReplicationBacklog(1024);
        assertEquals("no snapshot yet: the stream starts at a snapshot's offset",
            assertThrows(IllegalStateException.class, () -> b.appendCommand("SET", "k", "v")).getMessage());
        b.snapshot(snapshot(Snapshot.newReplid(), 0));
        assertEquals("append of 1025 bytes (expected: <= the backlog's capacity of 1024)",
            assertThrows(IllegalArgumentException.class, () -> b.append(new byte[1025])).getMessage());
    }

    @Test
    void shouldRefuseReplidsARedisReplicaWouldReject() {
        assertEquals("replid of length 3 (expected: 40 characters, as Redis's; Snapshot.newReplid() makes one)",
            assertThrows(IllegalArgumentException.class, () -> snapshot("abc", 0)).getMessage());
        assertEquals("snapshot offset=-1 (expected: >= 0)",
            assertThrows(IllegalArgumentException.class, () -> snapshot("a".repeat(40), -1)).getMessage());
    }

    @Test
    void shouldFindTheFirstWriteAfterAnOffsetPastItsOwnPings() throws Exception {
        final ReplicationBacklog b = new ReplicationBacklog(1024);
        b.snapshot(snapshot(Snapshot.newReplid(), 100));
        assertEquals(-1, b.firstWriteAfter(100), "nothing after the snapshot");
        b.ping();
        b.ping();
        assertEquals(-1, b.firstWriteAfter(100), "keep-alives only");
        final long write = b.endOffset();
        b.appendCommand("SET", "k", "v");
        b.ping();
        assertEquals(write, b.firstWriteAfter(100), "the SET after two PINGs");
        final long lastPing = b.endOffset() - 14;
        assertEquals(-1, b.firstWriteAfter(lastPing), "from the last PING on");
        final long echo = b.endOffset();
        b.appendCommand("PING", "payload");
        assertEquals(echo, b.firstWriteAfter(lastPing), "a PING with an argument is no keep-alive");
    }
}
