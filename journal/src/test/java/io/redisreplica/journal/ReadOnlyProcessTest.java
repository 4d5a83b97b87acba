package io.redisreplica.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Journal#readOnlyProcess()}: a JVM that declared it only reads journals reads one whole
 * (figures and bytes on disk included) without Chronicle's POSIX binding, and is refused a journal
 * opened for writing. In a child JVM: the declaration holds for the whole JVM.
 */
class ReadOnlyProcessTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadWithoutChroniclesPosixBindingAndRefuseToWrite() throws Exception {
        final long end;
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(7, 0, 0, "*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n".getBytes(StandardCharsets.US_ASCII));
            end = writer.commit();
        }
        final Process child = ChildJvm.start(ReadOnlyProcessChild.class, List.of(), ChildJvm.testClassPath(), Map.of(), dir.toString());
        final String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out);
        assertEquals("declared true\nread " + end + " 1 1 true\nrefused journal " + dir + " cannot be opened for writing: this process "
            + "declared that it only reads journals (Journal.readOnlyProcess)\n", out);
    }

    @Test
    void shouldNotDeclareAJvmThatOpenedAJournalForWritingReadOnly() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
            assertEquals(false, Journal.readOnlyProcess(), "this JVM writes journals: nothing changes");
        }
    }
}
