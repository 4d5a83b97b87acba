package io.redisreplica.tools;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.JournalWriter;

/** Small journals for the tools' tests, written through the journal's own writer. */
final class JournalFixtures {
    static final byte[] SET_APPLE = "*3\r\n$3\r\nSET\r\n$5\r\napple\r\n$3\r\nred\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] INCR_AVOCADO = "*2\r\n$4\r\nINCR\r\n$7\r\navocado\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);

    private JournalFixtures() {
    }

    /** Shard a: SET apple red (db 0, upstream 10), INCR avocado (db 1, upstream 20); a receiver at 33; a recorded map. */
    static Path twoEntries(Path dir) {
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(10, 0, 0, SET_APPLE);
            writer.append(20, 1, 0, INCR_AVOCADO);
            writer.commit();
            journal.writeCheckpoint(new Checkpoint().upstream("abc123", 20).receiver("a", "replica-1", 33, false)
                .shardMap(Map.of("a", "keys=\"regex=^a\"")));
        }
        return dir;
    }
}
