package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;

/** {@code run} without a master: what it refuses before it connects. */
class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAChangedShardMapWithItsOwnExitCodeAndTouchNothing() throws Exception {
        final Path journalDir = dir.resolve("journal");
        try (Journal journal = Journal.open(new JournalContext().dir(journalDir).minFreeBytes(0))) {
            journal.shard("a");
            journal.shard("gone");
            journal.writeCheckpoint(new Checkpoint().upstream("8de9b1c4aa", 100).shard("a", "f00d", 1, 0).shard("gone", "beef", 1, 0)
                .shardMap(Map.of("a", "keys=\"regex=^a\"", "gone", "keys=\"regex=^g\" after=\"regex=^a\"")));
        }
        final String checkpoint = Files.readString(journalDir.resolve("checkpoint"));
        final Path config = dir.resolve("router.conf");
        Files.writeString(config, "upstream 127.0.0.1:1\njournal " + journalDir + "\nshard a 127.0.0.1:17001 regex=^b\n"
            + "shard d 127.0.0.1:17002 regex=^d\n");
        final Cli cli = Cli.run("run", "-c", config.toString(), "--status-every", "0");
        assertEquals(ExitCodes.SHARD_MAP_CHANGED, cli.exit(), cli.err());
        assertTrue(cli.err().startsWith("error: the shard map differs from the one journal " + journalDir + " was built with; "
            + "nothing was changed:\n  changed: shard a (its rule: regex=^a -> regex=^b)\n  added: shard d (no snapshot yet)\n"
            + "  removed: shard gone (its journal is kept unless --remove-old-shards is given)\nTo rebuild, start with "
            + "--accept-shard-map-change: "), cli.err());
        assertEquals(checkpoint, Files.readString(journalDir.resolve("checkpoint")));
        assertTrue(!Files.exists(journalDir.resolve("d")) && !Files.exists(journalDir.resolve("snapshots")), "nothing created");
        assertTrue(Cli.run("run", "--help").out().contains("--accept-shard-map-change"));
    }
}
