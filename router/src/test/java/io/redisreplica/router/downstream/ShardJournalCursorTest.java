package io.redisreplica.router.downstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.JournalWriter;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.server.GrowingSnapshot;
import io.redisreplica.server.JournalCursor;

/** The cursor a shard's replica streams from, over a real journal whose long entries are written in 8-byte pieces. */
class ShardJournalCursorTest {
    private static final int PIECE = 8;
    @TempDir
    Path dir;
    private Journal journal;
    private ShardRuntime shard;
    private JournalWriter writer;

    @BeforeEach
    void shard() {
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:1\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:2 prefix=a:\n", "test");
        journal = Journal.open(config.journalContext().maxPieceLength(PIECE));
        final ShardJournal sj = journal.shard("a");
        writer = sj.writer(0);
        shard = new ShardRuntime(config.shardMap().shards().get(0), sj, writer, dir, null);
    }

    @AfterEach
    void close() {
        journal.close();
    }

    private long append(String resp) {
        final long end = writer.append(0, 0, 0, resp.getBytes(StandardCharsets.US_ASCII));
        writer.commit();
        return end;
    }

    @Test
    void shouldReadTheEntriesBytesAsTheyAreAcrossPieces() throws Exception {
        final String ping = "*1\r\n$4\r\nPING\r\n"; // 14 bytes: in two pieces
        final String set = "*3\r\n$3\r\nSET\r\n$5\r\na:key\r\n$40\r\n" + "v".repeat(40) + "\r\n"; // many pieces
        final String small = "*1\r\n"; // one piece (not a command: the journal does not care)
        append(ping);
        append(set);
        append(small);
        try (JournalReader reader = shard.journal().reader()) {
            assertEquals(SeekResult.BOUNDARY, reader.seek(0));
            final ShardJournalCursor cursor = new ShardJournalCursor(shard, reader, shard.epoch());
            final ByteArrayOutputStream got = new ByteArrayOutputStream();
            final byte[] buf = new byte[3]; // smaller than a piece: a piece is copied out over several reads
            int n;
            while ((n = cursor.read(buf, 0, buf.length)) > 0) {
                got.write(buf, 0, n);
            }
            assertEquals(0, n, "nothing more committed: none yet, not the end");
            assertArrayEquals((ping + set + small).getBytes(StandardCharsets.US_ASCII), got.toByteArray());
        }
    }

    @Test
    void shouldEndTheHistoryOnceWhatWasReadIsOutWhenTheShardHasANewSnapshot() throws Exception {
        final long first = append("*1\r\n");
        try (JournalReader reader = shard.journal().reader()) {
            assertEquals(SeekResult.BOUNDARY, reader.seek(0));
            final ShardJournalCursor cursor = new ShardJournalCursor(shard, reader, shard.epoch());
            final byte[] buf = new byte[64];
            assertEquals(2, cursor.read(buf, 0, 2), "half the entry");
            final GrowingSnapshot next = shard.startSnapshot(dir.resolve("next.rdb"), first);
            shard.newEpoch(next, 0);
            assertEquals(first - 2, cursor.read(buf, 0, buf.length), "the entry begun is read out whole");
            append("*1\r\n");
            assertEquals(JournalCursor.END, cursor.read(buf, 0, buf.length), "then the history ends, whatever follows");
        }
    }
}
