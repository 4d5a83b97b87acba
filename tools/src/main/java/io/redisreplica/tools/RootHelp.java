package io.redisreplica.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * The root's {@code --help} and {@code --version} as picocli prints them, made at build time
 * ({@link #main}, run by the build after compiling) and printed from the jar at run time: picocli's
 * start (its model of even one command, interpreted while the JVM is cold) was 0.3 s of the 0.4 s
 * a {@code --help} took, for a text that only changes with the code. The colours follow picocli's own
 * rule ({@code Ansi.AUTO}: a terminal, {@code NO_COLOR}, {@code CLICOLOR_FORCE}, ...; {@link AnsiAuto}),
 * with a text made for each answer. {@code RootHelpTest} fails when a text is not what picocli prints now.
 */
public final class RootHelp {
    private static final String DIR = "root-help/";

    private RootHelp() {
    }

    /** The resource that answers these arguments, or null when picocli must (anything but the root's help or version alone). */
    static String resource(String[] args) {
        if (args.length != 1) {
            return null;
        }
        return switch (args[0]) {
            case "--help", "-h" -> DIR + (AnsiAuto.enabled() ? "help-ansi.txt" : "help.txt");
            case "--version", "-V" -> DIR + "version.txt";
            default -> null;
        };
    }

    /** The text made at build time for these arguments, or null (not one of those, or not in the jar: picocli answers). */
    static byte[] text(String[] args) {
        final String name = resource(args);
        if (name == null) {
            return null;
        }
        try (InputStream in = RootHelp.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null; // picocli answers
        }
    }

    /** What picocli prints for these arguments (the whole tree, stdout), with or without colours. */
    static String printed(String arg, Ansi ansi) {
        final StringWriter out = new StringWriter();
        final CommandLine cli = Commands.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(ansi));
        cli.execute(arg);
        return out.toString();
    }

    /** Build time: writes the texts under the class output directory given as the argument. */
    public static void main(String[] args) throws IOException {
        final Path dir = Path.of(args[0]).resolve(RootHelp.class.getPackageName().replace('.', '/')).resolve(DIR);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("help.txt"), printed("--help", Ansi.OFF), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("help-ansi.txt"), printed("--help", Ansi.ON), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("version.txt"), printed("--version", Ansi.OFF), StandardCharsets.UTF_8);
    }
}
