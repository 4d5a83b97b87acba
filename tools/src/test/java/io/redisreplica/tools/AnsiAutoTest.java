package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * {@link AnsiAuto} answers as picocli's {@code Ansi.AUTO} does, in JVMs started with each variable
 * picocli reads (alone and against each other), each {@code picocli.ansi} setting, as Linux and as
 * Windows, with stdout a pipe and a terminal ({@code script}'s pseudo-terminal).
 */
class AnsiAutoTest {
    private static final List<String> READ = List.of("NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "ConEmuANSI", "ANSICON", "TERM", "OSTYPE");

    @Test
    void shouldAnswerAsPicocliDoesInEachEnvironment() throws Exception {
        final List<Map<String, String>> environments = List.of(Map.of(), Map.of("NO_COLOR", "1"), Map.of("CLICOLOR_FORCE", "1"),
            Map.of("CLICOLOR_FORCE", "0"), Map.of("CLICOLOR", "0"), Map.of("CLICOLOR", "1"), Map.of("ConEmuANSI", "OFF"),
            Map.of("ConEmuANSI", "ON"), Map.of("ANSICON", "1"), Map.of("TERM", "xterm-256color"), Map.of("TERM", "cygwin"),
            Map.of("OSTYPE", "linux-gnu"), Map.of("NO_COLOR", "1", "CLICOLOR_FORCE", "1"), Map.of("CLICOLOR", "0", "CLICOLOR_FORCE", "1"),
            Map.of("TERM", "dumb", "CLICOLOR", "1"));
        final Set<String> answers = new HashSet<>();
        for (boolean terminal : new boolean[] {false, true}) {
            for (Map<String, String> env : environments) {
                final List<String> lines = run(env, terminal);
                assertEquals(14, lines.size(), env + " terminal " + terminal + ": " + lines);
                for (String line : lines) {
                    final String[] words = line.split(" ");
                    assertEquals(words[words.length - 1], words[words.length - 2], env + " terminal " + terminal + ": " + line);
                    answers.add(terminal + " " + words[words.length - 1]);
                }
            }
        }
        assertEquals(Set.of("false true", "false false", "true true", "true false"), answers, "both answers, with and without a terminal");
    }

    private static List<String> run(Map<String, String> env, boolean terminal) throws Exception {
        final List<String> java = List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-cp",
            System.getProperty("java.class.path"), AnsiAutoChild.class.getName());
        final List<String> command = new ArrayList<>();
        if (terminal) { // util-linux's script runs the command on a pseudo-terminal: stdin and stdout a tty, as in a shell
            final StringBuilder line = new StringBuilder();
            for (String word : java) {
                line.append('\'').append(word.replace("'", "'\\''")).append("' ");
            }
            command.addAll(List.of("script", "-qec", line.toString(), "/dev/null"));
        } else {
            command.addAll(java);
        }
        final ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().keySet().removeAll(READ);
        pb.environment().putAll(env);
        final Process p = pb.start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        final List<String> lines = out.replace("\r", "").lines().filter(l -> !l.isBlank()).toList();
        assertTrue(!lines.isEmpty(), "the child's answers");
        return lines;
    }
}
