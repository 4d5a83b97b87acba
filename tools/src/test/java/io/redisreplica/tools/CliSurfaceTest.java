package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** What an operator reads: every command's summary, labels and options, and the README that lists them. */
class CliSurfaceTest {
    private static List<CommandSpec> commands() {
        final List<CommandSpec> all = new ArrayList<>();
        collect(Commands.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), all);
        return all;
    }

    private static void collect(CommandLine cli, List<CommandSpec> all) {
        if (cli.getCommandName().equals("generate-completion")) {
            return; // picocli's own
        }
        all.add(cli.getCommandSpec());
        cli.getSubcommands().forEach((name, sub) -> {
            if (name.equals(sub.getCommandName())) { // not an alias
                collect(sub, all);
            }
        });
    }

    @Test
    void shouldSummarizeEveryCommandInOneWholeSentence() {
        for (CommandSpec c : commands()) {
            final String[] summary = c.usageMessage().header().length > 0 ? c.usageMessage().header() : c.usageMessage().description();
            assertEquals(1, summary.length, c.qualifiedName() + ": its summary is one line");
            assertTrue(summary[0].endsWith(".") || summary[0].endsWith(")"), c.qualifiedName() + ": '" + summary[0] + "' is cut");
        }
        final String root = Cli.run("--help").out().replaceAll("\\s+", " ");
        for (CommandSpec c : commands()) {
            if (c.parent() != null && c.parent().parent() == null) {
                final String[] h = c.usageMessage().header().length > 0 ? c.usageMessage().header() : c.usageMessage().description();
                assertTrue(root.contains(h[0]), "root help lists '" + h[0] + "' whole:\n" + root);
            }
        }
    }

    @Test
    void shouldLabelEveryValueInUpperCase() {
        for (CommandSpec c : commands()) {
            for (OptionSpec o : c.options()) {
                if (o.arity().max() > 0 && !o.usageHelp() && !o.versionHelp()) {
                    assertTrue(o.paramLabel().matches("[A-Z][A-Z0-9_=:]*"), c.qualifiedName() + " " + o.longestName() + ": " + o.paramLabel());
                }
            }
            for (PositionalParamSpec p : c.positionalParameters()) {
                assertTrue(p.paramLabel().matches("[A-Z][A-Z0-9_=:]*"), c.qualifiedName() + ": " + p.paramLabel());
            }
        }
    }

    @Test
    void shouldListEveryOptionOfEveryCommandInTheReadme() throws Exception {
        final String readme = Files.readString(Path.of("..", "README.md"));
        final List<String> missing = new ArrayList<>();
        for (CommandSpec c : commands()) {
            for (OptionSpec o : c.options()) {
                if (!o.usageHelp() && !o.versionHelp() && !java.util.regex.Pattern.compile("(?<![\\w-])" + o.longestName() + "(?![\\w-])").matcher(readme).find()) {
                    missing.add(c.qualifiedName() + " " + o.longestName());
                }
            }
        }
        assertEquals(List.of(), missing, "options the README does not name");
    }

    @Test
    void shouldPrintGrepsOwnUsage() {
        final Cli grep = Cli.run("journal", "grep", "--help");
        assertEquals(0, grep.exit());
        assertTrue(grep.out().startsWith("Commands of a shard's journal that match --key, --command or --db"), grep.out());
        assertTrue(grep.out().contains("Usage: redis-replica journal grep "), grep.out());
    }

    @Test
    void shouldTakeEnumValuesInAnyCase() {
        for (String policy : List.of("stop", "STOP", "Log", "translate")) {
            assertDoesNotThrow(() -> Commands.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .parseArgs("run", "-c", "router.conf", "--cross-shard", policy));
        }
    }
}
