package io.redisreplica.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chronicle sends usage analytics to an outside host by default, and records a client id in the
 * home directory when it does. A JVM that opens a journal, started without any of our -D flags and
 * without JUnit on its classpath (Chronicle mutes itself under JUnit), must leave no such file.
 */
class ChronicleAnalyticsIntegrationTest {
    @TempDir
    Path home;

    @TempDir
    Path journalDir;

    public static final class OpenJournal {
        public static void main(String[] args) {
            try (Journal journal = Journal.open(new JournalContext().dir(Path.of(args[0])).minFreeBytes(0))) {
                final JournalWriter writer = journal.shard("a").writer(0);
                writer.append(1, 0, 0, new byte[] {'*', '0', '\r', '\n'});
                writer.commit();
            }
            System.out.println("journal opened");
        }
    }

    @Test
    void shouldLeaveNoAnalyticsFileInTheHomeDirectory() throws Exception {
        final String classPath = Arrays.stream(ChildJvm.testClassPath().split(File.pathSeparator))
            .filter(entry -> !entry.matches(".*(junit|opentest4j|apiguardian|surefire|failsafe).*"))
            .collect(Collectors.joining(File.pathSeparator));
        final Process child = ChildJvm.start(OpenJournal.class, List.of("-Duser.home=" + home), classPath,
            Map.of("HOME", home.toString()), journalDir.toString());
        final String out = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("journal opened"), out);
        try (Stream<Path> files = Files.walk(home)) {
            final List<String> analytics = files.map(p -> p.getFileName().toString())
                .filter(n -> n.contains("analytics")).collect(Collectors.toList());
            assertEquals(List.of(), analytics);
        }
    }
}
