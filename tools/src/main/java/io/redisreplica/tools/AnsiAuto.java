package io.redisreplica.tools;

import java.io.Console;
import java.util.Locale;

/**
 * Whether picocli would print colours here: its {@code Ansi.AUTO} rule (picocli 4.7.7's
 * {@code Help.Ansi.enabled()}: the {@code picocli.ansi} property, {@code NO_COLOR},
 * {@code CLICOLOR_FORCE}, {@code CLICOLOR}, a terminal, the Windows hints), for the root's help
 * printed without picocli ({@link RootHelp}): asking picocli loads and verifies ~20 of its classes
 * (Java 5 bytecode, in no archive), a quarter of a {@code --help}'s 0.2 s of CPU. Nothing is cached:
 * it is asked once a start. {@code AnsiAutoTest} compares it with picocli's answer in JVMs started
 * with each variable, property and a terminal.
 */
final class AnsiAuto {
    private AnsiAuto() {
    }

    static boolean enabled() {
        final String ansi = System.getProperty("picocli.ansi");
        if (ansi == null || "AUTO".equalsIgnoreCase(ansi)) {
            return ansiPossible();
        }
        return "TTY".equalsIgnoreCase(ansi) && (isTty() || isPseudoTty()) || Boolean.getBoolean("picocli.ansi");
    }

    private static boolean ansiPossible() {
        if (System.getenv("NO_COLOR") != null) {
            return false;
        }
        final String force = System.getenv("CLICOLOR_FORCE");
        if (force != null && !"0".equals(force)) {
            return true;
        }
        if (isWindows() && isJansiConsoleInstalled()) {
            return true;
        }
        if ("0".equals(System.getenv("CLICOLOR")) || "OFF".equals(System.getenv("ConEmuANSI"))) {
            return false;
        }
        if (!isTty() && !isPseudoTty()) {
            return false;
        }
        return System.getenv("ANSICON") != null || "1".equals(System.getenv("CLICOLOR")) || "ON".equals(System.getenv("ConEmuANSI"))
            || !isWindows() || isXterm() || isCygwin() || hasOsType();
    }

    /** A console, and on Java 22+ (where there is always one) a terminal behind it. */
    private static boolean isTty() {
        final Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException before22) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // picocli's answer when it cannot ask
        }
    }

    private static boolean isPseudoTty() {
        return isWindows() && (isXterm() || isCygwin() || hasOsType());
    }

    private static boolean isWindows() {
        return System.getProperty("os.name").toLowerCase().contains("win");
    }

    private static boolean isXterm() {
        final String term = System.getenv("TERM");
        return term != null && term.startsWith("xterm");
    }

    private static boolean isCygwin() {
        final String term = System.getenv("TERM");
        return term != null && term.toLowerCase(Locale.ENGLISH).contains("cygwin");
    }

    private static boolean hasOsType() {
        return System.getenv("OSTYPE") != null;
    }

    /** Jansi's console in place of System.out (never in our jar; looked up as picocli does, on Windows only). */
    private static boolean isJansiConsoleInstalled() {
        if (Boolean.getBoolean("org.fusesource.jansi.Ansi.disable")) {
            return false;
        }
        try {
            if (!(Boolean) Class.forName("org.fusesource.jansi.Ansi").getDeclaredMethod("isEnabled").invoke(null)) {
                return false;
            }
            return Class.forName("org.fusesource.jansi.AnsiConsole").getField("out").get(null) == System.out;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
