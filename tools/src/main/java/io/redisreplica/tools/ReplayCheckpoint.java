package io.redisreplica.tools;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalHistory;
import io.redisreplica.router.sinks.SinkPosition;

/**
 * The value of a replay's checkpoint key on its target, in the sinks' form ({@link SinkPosition}:
 * {@code OFFSET HISTORY UPSTREAM ENTRIES}): the shard offset applied, the journal line it belongs
 * to ({@link JournalHistory}), and the upstream offset of the last entry applied with how many
 * entries of it were. A bare {@code OFFSET}, as earlier versions wrote, is read as an offset of
 * this journal, as they did.
 *
 * <p>Where a replay goes on ({@link #resume}): at the offset when it is on the journal's line;
 * at the parting, passing over the entries whose upstream offsets the target had, when the journal
 * was cut back since ({@link #passOver}); nowhere, with an error that says so, when the journal was
 * made anew (its offsets say nothing of what the target holds). Follows the entries a replay
 * applies ({@link #applied}) and writes the value for a batch's end without allocating.
 */
final class ReplayCheckpoint {
    private byte[] history;
    private final ExpandableArrayBuffer text = new ExpandableArrayBuffer(128);
    private long upstream = -1;
    private int upstreamEntries;
    /** Passing over entries the target had before the journal parted: up to this upstream offset, and this many at it. */
    private long passUpstream = -1;
    private int passEntries;
    private long partedAt;

    /** @param history the journal's current line, or null for a journal without a history */
    ReplayCheckpoint(String history) {
        line(history);
    }

    /** The journal was opened again: the entries read from now on are on its current line. */
    void line(String history) {
        this.history = history == null ? null : history.getBytes(StandardCharsets.US_ASCII);
    }

    /** The id of the line the values written now name; null for a journal without a history. */
    String lineId() {
        return history == null ? null : new String(history, StandardCharsets.US_ASCII);
    }

    /**
     * Where to go on from the stored value ({@code -1}: nothing stored), and what to pass over.
     *
     * @throws IllegalArgumentException when the value is not in this journal, or is not a checkpoint
     */
    long resume(Object stored, JournalHistory journal, String shard, String key) {
        upstream = -1;
        upstreamEntries = 0;
        passUpstream = -1;
        if (stored == null) {
            return -1;
        }
        final SinkPosition p = SinkPosition.parse(String.valueOf(stored), "shard " + shard + ": the target's " + key);
        if (p.history() == null) {
            return p.offset();
        }
        upstream = p.upstreamOffset();
        upstreamEntries = p.upstreamEntries();
        final JournalHistory.Resolution r = journal.resolve(p.history(), p.offset());
        switch (r.match()) {
            case SAME -> {
                return p.offset();
            }
            case FORKED -> {
                if (p.upstreamOffset() < 0) {
                    throw new IllegalArgumentException("shard " + shard + ": the journal parted at offset " + r.at() + " from the line "
                        + p.history() + " the target's " + key + " (offset " + p.offset() + ") was recorded on, and it names no "
                        + "upstream offset to tell which entries after the parting the target has: empty the target and replay again "
                        + "(it loads the shard's snapshot)");
                }
                passUpstream = p.upstreamOffset();
                passEntries = p.upstreamEntries();
                partedAt = r.at();
                return r.at();
            }
            default -> throw new IllegalArgumentException("shard " + shard + ": the target's " + key + " (offset " + p.offset()
                + " of journal line " + p.history() + ") is not in this journal (line " + journal.currentId() + "): the journal was "
                + "made anew (a damaged one set aside), so its offsets say nothing of what the target holds. Empty the target and "
                + "replay again (it loads the shard's snapshot)");
        }
    }

    /**
     * Whether the target had {@code entry} before the journal parted from the line its checkpoint
     * was recorded on: true for a leading run of entries at upstream offsets it had; never for a
     * value read from the master ({@link JournalEntryDescriptor#FLAG_READ}: it may fold later
     * commands of its key, so it is applied, maybe again, rather than lost), nor from a new
     * snapshot past the parting on (a full sync since: its upstream offsets say nothing of the old).
     */
    boolean passOver(JournalEntry entry, long snapshotOffset) {
        if (passUpstream < 0) {
            return false;
        }
        if (snapshotOffset > partedAt && entry.startOffset() >= snapshotOffset) {
            passUpstream = -1;
            return false;
        }
        if ((entry.flags() & JournalEntryDescriptor.FLAG_READ) != 0) {
            return false;
        }
        if (entry.upstreamOffset() < passUpstream || (entry.upstreamOffset() == passUpstream && passEntries-- > 0)) {
            return true;
        }
        passUpstream = -1;
        return false;
    }

    /** The entry is in the batch (applied or passed over): the upstream offset and its count move on. */
    void applied(JournalEntry entry) {
        if (entry.upstreamOffset() == upstream) {
            upstreamEntries++;
        } else {
            upstream = entry.upstreamOffset();
            upstreamEntries = 1;
        }
    }

    /** The value for a batch that reaches {@code offset}, after the entries given to {@link #applied}: in {@link #text()}, its length returned. */
    int format(long offset) {
        int at = text.putLongAscii(0, offset);
        if (history != null) {
            text.putByte(at++, (byte) ' ');
            text.putBytes(at, history);
            at += history.length;
            text.putByte(at++, (byte) ' ');
            at += text.putLongAscii(at, upstream);
            text.putByte(at++, (byte) ' ');
            at += text.putIntAscii(at, upstreamEntries);
        }
        return at;
    }

    DirectBuffer text() {
        return text;
    }

    /** The value for a snapshot just loaded: its offset on this line, no upstream offset (a full sync's). */
    String loaded(long snapshotOffset) {
        return new SinkPosition(snapshotOffset, history == null ? null : new String(history, StandardCharsets.US_ASCII), -1, 0).format();
    }

    /** The offset of a stored value, for a cluster slot: on this line or bare; a value of another line is refused. */
    long offsetOnThisLine(Object stored, JournalHistory journal, String shard, String key) {
        final long at = resume(stored, journal, shard, key);
        if (passUpstream >= 0) {
            throw new IllegalArgumentException("shard " + shard + ": the journal parted at offset " + at + " from the line the target's "
                + key + " was recorded on: a cluster target cannot be continued exactly once from there; empty it and replay again "
                + "(it loads the shard's snapshot)");
        }
        return at;
    }
}
