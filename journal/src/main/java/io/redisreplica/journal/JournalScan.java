package io.redisreplica.journal;

import java.util.function.Predicate;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads a shard's journal from its first entry, each entry whole, up to the first that is
 * damaged: unreadable, not starting where the one before ended, or with a payload that fails the
 * caller's check (the journal keeps no checksum: the router frames each payload as whole RESP
 * commands, which damaged bytes seldom are). Holds one entry at a time.
 */
final class JournalScan {
    private JournalScan() {
    }

    /**
     * @param start the shard offset where the journal's first entry starts
     * @param goodEnd the shard offset after the last good entry (where the journal starts when none is)
     * @param goodUpstream the last good entry's upstream offset; -1 when none is good
     * @param goodLastIndex the queue index of the last good entry's last document; -1 when none is good
     * @param goodEntries the good entries
     * @param damage what stopped the scan and where, or null when it read to the end
     */
    record Result(long start, long goodEnd, long goodUpstream, long goodLastIndex, long goodEntries, String damage) {
    }

    static Result run(ShardJournal shard, Predicate<JournalEntry> payloadCheck) {
        long end;
        try {
            end = shard.firstOffset();
        } catch (RuntimeException | AssertionError e) { // Chronicle asserts on some damage
            return new Result(0, 0, -1, -1, 0, "unreadable from its first entry: " + describe(e));
        }
        final long start = end;
        long upstream = -1;
        long lastIndex = -1;
        long entries = 0;
        final JournalEntry entry = new JournalEntry();
        try (JournalReader reader = shard.reader()) {
            while (true) {
                try {
                    if (!reader.next(entry)) {
                        return new Result(start, end, upstream, lastIndex, entries, null);
                    }
                } catch (RuntimeException | AssertionError e) {
                    return new Result(start, end, upstream, lastIndex, entries, "unreadable after offset " + end + ": " + describe(e));
                }
                if (!payloadCheck.test(entry)) {
                    return new Result(start, end, upstream, lastIndex, entries, "the entry at offset " + entry.startOffset()
                        + " does not hold whole commands");
                }
                end = entry.endOffset();
                upstream = entry.upstreamOffset();
                lastIndex = reader.lastIndex();
                entries++;
            }
        }
    }

    /**
     * What follows a journal's last good entry, for the log of a cut back.
     *
     * @param entries documents after it that start an entry (the damaged one included), as far as Chronicle can read them
     * @param chainedEnd the end offset of the run of those documents that chain on from the good end
     */
    record Tail(long entries, long chainedEnd) {
    }

    /**
     * Walks the headers of the documents after queue index {@code lastGood} (from the first
     * document when -1) until none or one that cannot be read.
     */
    static Tail tailAfter(ShardJournal shard, long lastGood, long goodEnd) {
        long entries = 0;
        long chained = goodEnd;
        boolean chain = true;
        try (ExcerptTailer probe = shard.queue().createTailer()) {
            if (lastGood < 0) {
                probe.toStart();
            } else if (!probe.moveToIndex(lastGood)) {
                return new Tail(0, goodEnd);
            } else {
                try (DocumentContext dc = probe.readingDocument()) {
                    if (!dc.isPresent()) { // the last good document itself
                        return new Tail(0, goodEnd);
                    }
                }
            }
            while (true) {
                try (DocumentContext dc = probe.readingDocument()) {
                    final EntryHeader header = EntryHeader.of(dc);
                    if (header == null) {
                        break;
                    }
                    if (!header.continuation()) {
                        entries++;
                    }
                    chain &= header.length() >= 0 && header.startOffset() == chained;
                    if (chain) {
                        chained = header.endOffset();
                    }
                }
            }
        } catch (RuntimeException | AssertionError e) {
            // what follows cannot be read: the tail is what could be
        }
        return new Tail(entries, chained);
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
