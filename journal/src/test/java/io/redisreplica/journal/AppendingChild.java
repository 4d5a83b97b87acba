package io.redisreplica.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Run in a child JVM by the crash test: appends numbered entries to shard "a" as fast as it can,
 * committing every few, and prints {@code committed <seq> <endOffset>} after each commit. It
 * continues from whatever the journal already holds, so it can be killed and started again.
 */
public final class AppendingChild {
    private AppendingChild() {
    }

    public static void main(String[] args) {
        final Path dir = Path.of(args[0]);
        final int batch = Integer.parseInt(args[1]);
        try (Journal journal = Journal.open(new JournalContext().dir(dir).rollCycle(JournalContext.Roll.SECONDLY).minFreeBytes(0))) {
            final ShardJournal shard = journal.shard("a");
            long seq = shard.lastUpstreamOffset() + 1; // the upstream offset doubles as the sequence number
            final JournalWriter writer = shard.writer(0);
            System.out.println("ready " + seq + " " + shard.endOffset());
            System.out.flush();
            while (true) {
                for (int i = 0; i < batch; i++, seq++) {
                    final byte[] payload = ("*2\r\n$4\r\nINCR\r\n$" + Long.toString(seq).length() + "\r\n" + seq + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                    writer.append(seq, 0, 0, payload);
                }
                final long end = writer.commit();
                System.out.println("committed " + (seq - 1) + " " + end);
                System.out.flush();
            }
        }
    }
}
