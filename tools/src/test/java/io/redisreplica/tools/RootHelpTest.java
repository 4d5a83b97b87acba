package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import picocli.CommandLine.Help.Ansi;

/** The root's --help and --version come from texts made at build time: they must be what picocli prints now. */
class RootHelpTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = RootHelp.class.getResourceAsStream("root-help/" + name)) {
            assertNotNull(in, "root-help/" + name + " in the classes (made by the build's process-classes step)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldHoldWhatPicocliPrintsForTheRootsHelpAndVersion() throws IOException {
        assertEquals(RootHelp.printed("--help", Ansi.OFF), resource("help.txt"));
        assertEquals(RootHelp.printed("--help", Ansi.ON), resource("help-ansi.txt"));
        assertEquals(RootHelp.printed("--version", Ansi.OFF), resource("version.txt"));
        assertEquals(Cli.run("--help").out(), resource("help.txt"), "what a start without a terminal prints");
    }

    @Test
    void shouldAnswerOnlyTheRootsHelpOrVersionAlone() {
        assertNotNull(RootHelp.text(new String[] {"--help"}));
        assertNotNull(RootHelp.text(new String[] {"-h"}));
        assertArrayEquals(RootHelp.text(new String[] {"--version"}), RootHelp.text(new String[] {"-V"}));
        assertNull(RootHelp.text(new String[] {"rdb", "--help"}));
        assertNull(RootHelp.text(new String[] {"--help", "--version"}));
        assertNull(RootHelp.text(new String[] {"--nope"}));
        assertNull(RootHelp.text(new String[0]));
    }
}
