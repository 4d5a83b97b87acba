package io.redisreplica.router.sinks;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalHistory;
import io.redisreplica.journal.ShardJournal;

/**
 * Where a sink goes on after it (re)connects, from the position its delivery recorded and the
 * shard's journal as it is now:
 * <ul>
 *   <li>nothing recorded (a new sink): at the shard's current snapshot, or the first retained
 *       entry when that is later;</li>
 *   <li>a position in this journal's line of entries: at its offset;</li>
 *   <li>a position past a cut-back (the journal was cut back at start and the master's commands
 *       after the cut journaled again, maybe at other offsets): at the cut, passing over the
 *       entries whose upstream offset the sink delivered before, so each command is delivered
 *       once;</li>
 *   <li>a position the journal no longer holds (a damaged journal set aside and made anew, or
 *       retention past it): where a new sink starts, with a {@link #gap()} that the runner
 *       logs and counts: the events between are lost to this sink, loudly.</li>
 * </ul>
 */
final class SinkResume {
    private final long start;
    private final String gap;
    /** Entries delivered before on a line since cut: below this upstream offset, ... */
    private long passUpstream;
    /** ... and this many more at it. */
    private int passEntries;

    private SinkResume(long start, String gap, long passUpstream, int passEntries) {
        this.start = start;
        this.gap = gap;
        this.passUpstream = passUpstream;
        this.passEntries = passEntries;
    }

    /** Where a sink starts that has nothing recorded, or lost what it recorded. */
    static long fresh(ShardJournal journal, long snapshotOffset) {
        return Math.max(journal.firstOffset(), Math.max(0, snapshotOffset));
    }

    /**
     * @param recorded what the delivery recorded, or null for nothing
     * @param snapshotOffset the shard's current snapshot offset (-1 before the first)
     */
    static SinkResume of(ShardJournal journal, long snapshotOffset, SinkPosition recorded) {
        final long fresh = fresh(journal, snapshotOffset);
        if (recorded == null) {
            return new SinkResume(fresh, null, -1, 0);
        }
        final JournalHistory.Resolution r = journal.history().resolve(recorded.history(), recorded.offset());
        switch (r.match()) {
            case UNKNOWN -> {
                return new SinkResume(fresh, "its recorded position (offset " + recorded.offset() + " of journal line "
                    + recorded.history() + ") is not in this journal (line " + journal.history().currentId() + "): the journal was "
                    + "made anew (a damaged one set aside), so the events after that position in the old one are not delivered", -1, 0);
            }
            case FORKED -> {
                if (recorded.upstreamOffset() < 0) {
                    // recorded before upstream offsets were: no way to tell which entries after the cut it had
                    return within(journal, fresh, recorded, r.at(), -1, 0, "the journal was cut back to offset " + r.at()
                        + " after it was recorded, and it was recorded without its upstream offset: entries after the cut may come again");
                }
                return within(journal, fresh, recorded, r.at(), recorded.upstreamOffset(), recorded.upstreamEntries(), null);
            }
            default -> {
                if (recorded.offset() > journal.readEndOffset() && recorded.upstreamOffset() >= 0) {
                    // the journal lost entries the sink had (its tail, not cut back by a check): they
                    // come again from the master, so go on from its end by upstream offset
                    return within(journal, fresh, recorded, journal.readEndOffset(), recorded.upstreamOffset(),
                        recorded.upstreamEntries(), null);
                }
                return within(journal, fresh, recorded, recorded.offset(), -1, 0, null);
            }
        }
    }

    /** After entries past {@code damagedAt} could not be read: at the shard's new snapshot, with a gap. */
    static SinkResume afterDamage(ShardJournal journal, long snapshotOffset, long damagedAt) {
        final long fresh = fresh(journal, snapshotOffset);
        return new SinkResume(fresh, "the journal could not be read after offset " + damagedAt + " (damaged); events before the "
            + "shard's new snapshot at offset " + fresh + " are not delivered", -1, 0);
    }

    private static SinkResume within(ShardJournal journal, long fresh, SinkPosition recorded, long at, long passUpstream,
        int passEntries, String warning) {
        if (at < journal.firstOffset()) {
            return new SinkResume(fresh, "its recorded offset " + recorded.offset() + " is before the journal's first retained "
                + "entry at " + journal.firstOffset() + " (retention passed it); events before offset " + fresh
                + " are not delivered", -1, 0);
        }
        return new SinkResume(at, warning, passUpstream, passEntries);
    }

    /** The offset to read from. */
    long start() {
        return start;
    }

    /** What the resume passes over, for the log, or null when it passes over nothing. */
    String passing() {
        return passUpstream < 0 ? null : "entries up to upstream offset " + passUpstream + " (" + passEntries
            + " at it) were delivered before the journal was cut back: passed over";
    }

    /** Why events are lost to the sink (or may come again), or null when it goes on exactly. */
    String gap() {
        return gap;
    }

    /**
     * Whether {@code entry}, the next one read, was delivered before the journal was cut back:
     * true for a leading run of entries at upstream offsets the sink had, false from the first
     * one after them on.
     */
    boolean deliveredBefore(JournalEntry entry) {
        if (passUpstream < 0) {
            return false;
        }
        if (entry.upstreamOffset() < passUpstream || (entry.upstreamOffset() == passUpstream && passEntries-- > 0)) {
            return true;
        }
        passUpstream = -1;
        return false;
    }
}
