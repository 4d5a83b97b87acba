package io.redisreplica.router.sinks;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalHistory;
import io.redisreplica.journal.ShardJournal;

/**
 * Where a sink goes on after it (re)connects, from the position its delivery recorded and the
 * shard's journal as it is now:
 * <ul>
 *   <li>nothing recorded (a new sink): at the shard's current snapshot, or the first retained
 *       entry when that is later;</li>
 *   <li>a position on the journal's current line of entries, or within what an earlier line
 *       shares with it: at its offset;</li>
 *   <li>a position past where its line parted from the current one (a cut-back at start, or a
 *       journal that lost its tail: the master's commands after that point journaled again, maybe
 *       at other offsets): at the parting, passing over the entries whose upstream offset the
 *       sink delivered before, so each command is delivered once. Entries of values read from
 *       the master ({@link JournalEntryDescriptor#FLAG_READ}) are never passed over: one may fold
 *       later commands of its key, so it is delivered, maybe a second time, rather than lost;</li>
 *   <li>a position the journal no longer holds (a damaged journal set aside and made anew, or
 *       retention past it): where a new sink starts, with what is {@link #lost()}, which the
 *       runner logs and counts as a gap.</li>
 * </ul>
 * The first two kinds of resume are final decisions; the pass-over is also a filter the runner
 * asks about each entry it reads ({@link #deliveredBefore}).
 */
final class SinkResume {
    private final long start;
    private final String lost;
    private final String note;
    /** Entries delivered before on a line since parted: below this upstream offset, ... */
    private long passUpstream;
    /** ... and this many more at it. */
    private int passEntries;

    private SinkResume(long start, String lost, String note, long passUpstream, int passEntries) {
        this.start = start;
        this.lost = lost;
        this.note = note;
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
            return new SinkResume(fresh, null, null, -1, 0);
        }
        final JournalHistory.Resolution r = journal.history().resolve(recorded.history(), recorded.offset());
        switch (r.match()) {
            case UNKNOWN -> {
                return new SinkResume(fresh, "its recorded position (offset " + recorded.offset() + " of journal line "
                    + recorded.history() + ") is not in this journal (line " + journal.history().currentId() + "): the journal was "
                    + "made anew (a damaged one set aside), so the events after that position in the old one are not delivered", null,
                    -1, 0);
            }
            case FORKED -> {
                if (recorded.upstreamOffset() < 0) {
                    // recorded before upstream offsets were: no way to tell which entries after the parting it had
                    return within(journal, fresh, recorded, r.at(), -1, 0, "the journal parted at offset " + r.at() + " from the line "
                        + "its position " + recorded.offset() + " was recorded on, without an upstream offset: entries after offset "
                        + r.at() + " may be delivered again");
                }
                return within(journal, fresh, recorded, r.at(), recorded.upstreamOffset(), recorded.upstreamEntries(), null);
            }
            default -> {
                return within(journal, fresh, recorded, recorded.offset(), -1, 0, null);
            }
        }
    }

    /** After entries past {@code damagedAt} could not be read: at the shard's new snapshot, with a gap. */
    static SinkResume afterDamage(ShardJournal journal, long snapshotOffset, long damagedAt) {
        final long fresh = fresh(journal, snapshotOffset);
        return new SinkResume(fresh, "the journal could not be read after offset " + damagedAt + " (damaged); events before the "
            + "shard's snapshot at offset " + fresh + " are not delivered", null, -1, 0);
    }

    private static SinkResume within(ShardJournal journal, long fresh, SinkPosition recorded, long at, long passUpstream,
        int passEntries, String note) {
        if (at < journal.firstOffset()) {
            return new SinkResume(fresh, "its recorded offset " + recorded.offset() + " is before the journal's first retained "
                + "entry at " + journal.firstOffset() + " (retention passed it); events before offset " + fresh
                + " are not delivered", null, -1, 0);
        }
        return new SinkResume(at, null, note, passUpstream, passEntries);
    }

    /** The offset to read from. */
    long start() {
        return start;
    }

    /** Why events are lost to the sink (a gap, counted), or null when it goes on without losing any. */
    String lost() {
        return lost;
    }

    /** A warning that is no loss (events may come twice), or null. */
    String note() {
        return note;
    }

    /** What the resume passes over, for the log, or null when it passes over nothing. */
    String passing() {
        return passUpstream < 0 ? null : "entries up to upstream offset " + passUpstream + " (" + passEntries
            + " at it) were delivered before the journal parted at offset " + start + ": passed over";
    }

    /**
     * Whether {@code entry}, the next one read, was delivered before the journal parted from the
     * line the position was recorded on: true for a leading run of entries at upstream offsets
     * the sink had, false from the first one after them on, and false from a new snapshot on
     * ({@code snapshotOffset} past the parting: a full sync since, whose upstream offsets say
     * nothing of the old ones).
     */
    boolean deliveredBefore(JournalEntry entry, long snapshotOffset) {
        if (passUpstream < 0) {
            return false;
        }
        if (snapshotOffset > start && entry.startOffset() >= snapshotOffset) {
            passUpstream = -1;
            return false;
        }
        if ((entry.flags() & JournalEntryDescriptor.FLAG_READ) != 0) {
            return false; // may fold later commands of its key: delivered, not passed over
        }
        if (entry.upstreamOffset() < passUpstream || (entry.upstreamOffset() == passUpstream && passEntries-- > 0)) {
            return true;
        }
        passUpstream = -1;
        return false;
    }
}
