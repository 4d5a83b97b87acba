package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** A start builds one subcommand (CommandTree): everything it answers is what the whole tree answers. */
class CommandTreeTest {
    private record Answer(int exit, String out, String err) {
    }

    private static Answer run(boolean lean, String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = Commands.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), lean ? args : null);
        final int exit = cli.execute(args);
        return new Answer(exit, out.toString(), err.toString());
    }

    private static void assertSameAnswer(String... args) {
        assertEquals(run(false, args), run(true, args), () -> "redis-replica " + String.join(" ", args));
    }

    /** Every command path, and whether it only groups others (runs nothing by itself). */
    private static void paths(CommandLine cli, List<String> path, List<List<String>> all, List<List<String>> groups) {
        all.add(path);
        if (!cli.getSubcommands().isEmpty() && !path.isEmpty()) {
            groups.add(path);
        }
        cli.getSubcommands().forEach((name, sub) -> {
            final List<String> p = new ArrayList<>(path);
            p.add(name); // aliases too: a start may name a command by one
            paths(sub, p, all, groups);
        });
    }

    @Test
    void shouldAnswerEveryCommandsHelpAsTheWholeTreeDoes() {
        final List<List<String>> all = new ArrayList<>();
        final List<List<String>> groups = new ArrayList<>();
        paths(Commands.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), List.of(), all, groups);
        assertTrue(all.size() > 15, "the tree: " + all);
        for (List<String> path : all) {
            final List<String> help = new ArrayList<>(path);
            help.add("--help");
            assertSameAnswer(help.toArray(String[]::new));
        }
        for (List<String> group : groups) {
            assertSameAnswer(group.toArray(String[]::new)); // a group without its subcommand: a usage error
        }
    }

    @Test
    void shouldAnswerTheRootsOptionsAndMistakesAsTheWholeTreeDoes() {
        assertSameAnswer();
        assertSameAnswer("-h");
        assertSameAnswer("--version");
        assertSameAnswer("-V");
        assertSameAnswer("--nope");
        assertSameAnswer("jornal", "ls"); // a mistyped name: picocli suggests the right one
        assertSameAnswer("journal", "--nope");
        assertSameAnswer("rdb", "splt");
        assertSameAnswer("--version", "journal");
    }

    @Test
    void shouldBuildOnlyTheSubcommandAStartNames() {
        final CommandLine cli = Commands.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
            new String[] {"journal", "ls", "/tmp/j"});
        assertTrue(cli.getSubcommands().get("journal").getCommand() instanceof JournalCommand);
        assertNull(cli.getSubcommands().get("rdb").getCommand(), "a stand-in has no command object");
        assertTrue(cli.getSubcommands().get("rdb").getSubcommands().isEmpty());
        final CommandLine journal = cli.getSubcommands().get("journal");
        assertTrue(journal.getSubcommands().get("ls").getCommand() instanceof JournalLsCommand);
        assertNull(journal.getSubcommands().get("tail").getCommand(), "a sibling of the named one: a stand-in");
    }
}
