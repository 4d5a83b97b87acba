package io.redisreplica.tools;

import java.util.ArrayList;
import java.util.List;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalException;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.ShardJournal;

/** Read-only checks of a journal: every entry readable, offsets contiguous, checkpoints within the entries. */
public final class JournalInspector {
    private JournalInspector() {
    }

    /** A shard's figures for {@code journal ls}. */
    /**
     * @param files the cycles' files; {@code bytes} on disk (as du counts them) and {@code apparentBytes} the files' length (they
     *     are sparse), both with the next cycle's precreated file
     */
    public record ShardStat(String shard, long firstOffset, long endOffset, long entries, long files, long bytes,
                            long apparentBytes, long lastUpstreamOffset) {
    }

    public static List<ShardStat> stats(Journal journal) {
        final List<ShardStat> stats = new ArrayList<>();
        for (String name : journal.shardNames()) {
            final ShardJournal shard = journal.shard(name);
            final ShardJournal.FileStats files = shard.fileStats();
            stats.add(new ShardStat(name, shard.firstOffset(), shard.endOffset(), shard.entryCount(), files.files(), files.bytes(), files.apparentBytes(),
                shard.lastUpstreamOffset()));
        }
        return stats;
    }

    /**
     * Walks every entry of every shard.
     *
     * @return the problems found, empty when the journal is whole and consistent
     */
    public static List<String> verify(Journal journal) {
        final List<String> problems = new ArrayList<>();
        final Checkpoint checkpoint = journal.checkpoint();
        for (String name : journal.shardNames()) {
            final ShardJournal shard = journal.shard(name);
            long documents = 0;
            long end = shard.firstOffset();
            try (JournalReader reader = shard.reader()) {
                final JournalEntry entry = new JournalEntry();
                // piece by piece: the reader checks each starts where the last ended, and that an
                // entry's pieces are all there before it returns the first
                while (reader.nextPiece(entry)) {
                    documents++;
                    end = entry.endOffset();
                }
                documents += reader.skippedPieces();
            } catch (JournalException e) {
                problems.add(e.getMessage());
                continue;
            }
            if (end != shard.endOffset()) {
                problems.add("shard " + name + ": entries end at " + end + " but the journal says " + shard.endOffset());
            }
            if (documents != shard.entryCount()) {
                problems.add("shard " + name + ": read " + documents + " entries, the queue counts " + shard.entryCount());
            }
            for (Checkpoint.ReceiverState r : checkpoint.receivers()) {
                if (r.shard().equals(name) && r.ackedOffset() > end) {
                    problems.add("shard " + name + ": receiver " + r.receiver() + " acknowledged " + r.ackedOffset()
                        + ", past the last entry (" + end + ")");
                }
            }
        }
        return problems;
    }
}
