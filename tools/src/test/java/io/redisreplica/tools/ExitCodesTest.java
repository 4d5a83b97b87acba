package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.JournalException;
import io.redisreplica.rdb.RdbFormatException;
import io.redisreplica.router.config.ConfigException;
import io.redisreplica.testkit.RdbCorpus;

/**
 * The one exit-code table: every command follows it, {@code --help} and the README print it.
 * Code 5 is proven by {@code RunCommandTest}, 6 by {@code RunLifecycleIntegrationTest}, 1 of a
 * replay target by {@code ExitCodesIntegrationTest}.
 */
class ExitCodesTest {
    @TempDir
    Path dir;

    @Test
    void shouldExitZeroWhenDone() {
        assertEquals(ExitCodes.OK, Cli.run("rdb", "info", RdbCorpus.dir().resolve("keydb/tests/assets/redis-save.rdb").toString()).exit());
    }

    @Test
    void shouldExitTwoOnUsageErrorsOfEveryKind() {
        assertEquals(ExitCodes.USAGE, Cli.run("rdb", "split").exit(), "missing option");
        assertEquals(ExitCodes.USAGE, Cli.run("journal", "tail", dir.toString(), "-s", "a", "--nope").exit(), "unknown option");
        assertEquals(ExitCodes.USAGE, Cli.run("replay", dir.toString(), "-s", "a", "-t", "127.0.0.1:1", "--batch", "0").exit(), "--batch 0");
        assertEquals(ExitCodes.USAGE, Cli.run("journal", "tail", dir.toString(), "-s", "a", "--since", "yesterday").exit());
        assertEquals(ExitCodes.USAGE, Cli.run("journal", "tail", dir.toString(), "-s", "a", "--from", "0", "--since", "1h").exit());
        assertEquals(ExitCodes.USAGE, Cli.run("rdb", "dump", "--type", "blob", "x.rdb").exit());
        assertEquals(ExitCodes.USAGE, Cli.run("run", "-c", "x.conf", "--cross-shard", "sometimes").exit());
    }

    @Test
    void shouldExitThreeOnBadInput() throws Exception {
        final Cli corrupt = Cli.run("rdb", "info", RdbCorpus.dir().resolve("librdb/test/dumps/invalid_chksum_v8.rdb").toString());
        assertEquals(ExitCodes.BAD_INPUT, corrupt.exit());
        Files.createDirectories(dir.resolve("not-a-journal/sub"));
        Files.writeString(dir.resolve("not-a-journal/notes.txt"), "hello");
        for (String sub : List.of("ls", "verify")) {
            final Cli cli = Cli.run("journal", sub, dir.resolve("not-a-journal").toString());
            assertEquals(ExitCodes.BAD_INPUT, cli.exit(), sub + ": " + cli.out() + cli.err());
            assertEquals("error: " + dir.resolve("not-a-journal") + " is not a journal: it has no checkpoint file and no shard "
                + "directory (the directory named by the config's journal directive)\n", cli.err());
            assertEquals("", cli.out());
        }
    }

    @Test
    void shouldExitFourOnTheEnvironmentNamingWhatAndWhere() throws Exception {
        final Cli missing = Cli.run("rdb", "info", "/nope.rdb");
        assertEquals(ExitCodes.ENVIRONMENT, missing.exit());
        assertEquals("error: no such file or directory: /nope.rdb\n", missing.err());
        final int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        final Path journal = JournalFixtures.twoEntries(dir.resolve("j"));
        final Cli refused = Cli.run("replay", journal.toString(), "-s", "a", "-t", "127.0.0.1:" + closed, "--quiet");
        assertEquals(ExitCodes.ENVIRONMENT, refused.exit(), refused.err());
        assertTrue(refused.err().startsWith("error: target at 127.0.0.1:" + closed + ": Connection refused"), refused.err());
    }

    @Test
    void shouldMapEachExceptionToItsCode() {
        assertEquals(ExitCodes.BAD_INPUT, ExitCodes.of(new RdbFormatException("x", 0)));
        assertEquals(ExitCodes.BAD_INPUT, ExitCodes.of(new ConfigException("x")));
        assertEquals(ExitCodes.BAD_INPUT, ExitCodes.of(new JournalException("x")));
        assertEquals(ExitCodes.ENVIRONMENT, ExitCodes.of(new NoSuchFileException("/x")));
        assertEquals(ExitCodes.ENVIRONMENT, ExitCodes.of(new UncheckedIOException(new IOException("disk"))));
        assertEquals(ExitCodes.SHARD_MAP_CHANGED, ExitCodes.of(new io.redisreplica.router.shard.ShardMapChangedException("x", null)));
        assertEquals(ExitCodes.INTERNAL, ExitCodes.of(new NullPointerException()), "a bug is not the environment's fault");
    }

    @Test
    void shouldPrintTheSameTableInEveryHelpAndTheReadme() throws Exception {
        final List<String> rows = new ArrayList<>();
        for (ExitCodes.Code c : ExitCodes.TABLE) {
            rows.add("| `" + c.code() + "` | " + c.meaning() + " |");
        }
        final String readme = Files.readString(Path.of("..", "README.md"));
        assertTrue(readme.contains("| code | meaning |\n|------|---------|\n" + String.join("\n", rows) + "\n"),
            "README's exit-code table differs from ExitCodes.TABLE:\n" + String.join("\n", rows));
        for (String[] command : List.of(new String[] {"--help"}, new String[] {"journal", "tail", "--help"},
            new String[] {"rdb", "dump", "--help"}, new String[] {"replay", "--help"})) {
            final String help = Cli.run(command).out();
            for (ExitCodes.Code c : ExitCodes.TABLE) {
                assertTrue(help.contains("  " + c.code() + "  " + c.meaning().substring(0, 20)), String.join(" ", command) + ":\n" + help);
            }
        }
    }
}
