package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** Exit code 1 where a real server is needed: a replay whose target refuses a command. */
class ExitCodesIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldExitOneWhenTheReplayTargetRefusesACommand() {
        final Path journal = JournalFixtures.twoEntries(dir.resolve("j"));
        final RedisServer target = redis.start();
        try (RedisClient c = target.client()) {
            c.call("SELECT", "1");
            c.call("RPUSH", "avocado", "x"); // INCR avocado meets a list: WRONGTYPE
        }
        final Cli cli = Cli.run("replay", journal.toString(), "-s", "a", "-t", "127.0.0.1:" + target.port(), "--no-snapshot", "--quiet", "--json");
        assertEquals(ExitCodes.CHECK_FAILED, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.err().contains("not replayed: entry at offset 33: \"INCR\" \"avocado\" (WRONGTYPE"), cli.out() + "|" + cli.err());
        assertEquals(1, JsonParsing.parse(cli.out()).get("failed").asLong(), cli.out());
    }
}
