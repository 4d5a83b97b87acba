package io.redisreplica.tools;

import java.util.List;
import java.util.Map;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command tree, built for one start. Picocli builds a command's whole model when it is added
 * (every option of every subcommand, read by reflection), which was most of a {@code --help}'s half
 * second; a start needs one command. So at each level only the subcommand the arguments name is
 * built, and its siblings are stand-ins made from their {@code @Command} annotation: name, aliases,
 * header, description, hidden, all that a group's help, its "missing command" and its suggestions
 * for a mistyped name read. The groups list their subcommands here rather than in their annotation,
 * where picocli would build them all. {@code CommandTreeTest} proves a lean tree answers every
 * command's {@code --help}, each group's errors and the root's as the whole tree does.
 */
final class CommandTree {
    /** Each group's subcommands, in the order its help lists them. */
    private static final Map<Class<?>, List<Class<?>>> GROUPS = Map.of(
        RootCommand.class, List.of(RunCommand.class, StatusCommand.class, RdbCommand.class, JournalCommand.class, ReplayCommand.class,
            CompareCommand.class, CutoverCommand.class, DemoCommand.class, AutoComplete.GenerateCompletion.class),
        RdbCommand.class, List.of(RdbInfoCommand.class, RdbSplitCommand.class, RdbDumpCommand.class),
        JournalCommand.class, List.of(JournalLsCommand.class, JournalTailCommand.class, JournalTailCommand.Grep.class,
            JournalVerifyCommand.class));

    /** The completion script is made from the whole tree. */
    private static final String COMPLETION = "generate-completion";

    private CommandTree() {
    }

    /** Every command built: what tests and the completion script see. */
    static void addAll(CommandLine group) {
        for (Class<?> c : subcommands(group)) {
            final CommandLine sub = new CommandLine(c);
            addAll(sub);
            group.addSubcommand(name(c), sub);
        }
    }

    /**
     * The commands for a start with these arguments: at each level the one they name built, the
     * others stand-ins; a level's all built when its word is not one of its names (an {@code @file}
     * of arguments, a mistyped name: picocli's own answers then see the real commands).
     */
    static void addFor(CommandLine group, String[] args) {
        addFor(group, args, 0);
    }

    private static void addFor(CommandLine group, String[] args, int from) {
        final int at = firstWord(args, from);
        final Class<?> named = at < 0 ? null : find(group, args[at]);
        if (at >= 0 && (named == null || args[at].equals(COMPLETION))) {
            addAll(group);
            return;
        }
        for (Class<?> c : subcommands(group)) {
            if (c == named) {
                final CommandLine sub = new CommandLine(c);
                addFor(sub, args, at + 1);
                group.addSubcommand(name(c), sub);
            } else {
                group.addSubcommand(name(c), new CommandLine(standIn(c.getAnnotation(Command.class))));
            }
        }
    }

    /**
     * Whether a start with these arguments only reads journals: the {@code journal} group's commands
     * (ls, tail, grep, verify) open journals read-only and write none.
     */
    static boolean readsJournalsOnly(String[] args) {
        final int at = firstWord(args, 0);
        return at >= 0 && args[at].equals(name(JournalCommand.class));
    }

    private static List<Class<?>> subcommands(CommandLine group) {
        final Object command = group.getCommand();
        return command == null ? List.of() : GROUPS.getOrDefault(command.getClass(), List.of());
    }

    private static String name(Class<?> c) {
        return c.getAnnotation(Command.class).name();
    }

    /** The first argument from {@code from} on that is not an option (the groups' options take no value), or -1. */
    private static int firstWord(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            if (!args[i].startsWith("-")) {
                return i;
            }
        }
        return -1;
    }

    private static Class<?> find(CommandLine group, String word) {
        for (Class<?> c : subcommands(group)) {
            final Command a = c.getAnnotation(Command.class);
            if (a.name().equals(word) || List.of(a.aliases()).contains(word)) {
                return c;
            }
        }
        return null;
    }

    private static CommandSpec standIn(Command a) {
        final CommandSpec spec = CommandSpec.create().name(a.name()).aliases(a.aliases());
        spec.usageMessage().header(a.header()).description(a.description()).hidden(a.hidden());
        return spec;
    }
}
