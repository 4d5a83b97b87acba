package io.redisreplica.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link ReadOnlyProcessTest} (the declaration is for the whole JVM): declares
 * it only reads journals, lists the shard's figures from a read-only open, then tries to open the
 * journal for writing. Prints one line per step.
 */
public final class ReadOnlyProcessChild {
    private ReadOnlyProcessChild() {
    }

    public static void main(String[] args) {
        final Path dir = Path.of(args[0]);
        System.out.println("declared " + Journal.readOnlyProcess());
        try (Journal journal = Journal.open(new JournalContext().dir(dir).readOnly(true).minFreeBytes(0))) {
            final ShardJournal a = journal.shard("a");
            System.out.println("read " + a.endOffset() + " " + a.entryCount() + " " + a.fileStats().files() + " " + (a.fileStats().bytes() > 0));
        }
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
            journal.shard("a").writer(0).append(1, 0, 0, "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            System.out.println("wrote");
        } catch (JournalException e) {
            System.out.println("refused " + e.getMessage());
        }
    }
}
