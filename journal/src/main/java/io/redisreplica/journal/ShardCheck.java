package io.redisreplica.journal;

import java.nio.file.Path;

/**
 * What {@link Journal#check} found in a shard's journal at start, and what it did about it.
 *
 * @param outcome whole, cut back to its last good entry, or set aside whole
 * @param damage what was wrong and where; null when whole
 * @param goodEnd the shard offset where the last good entry ends: the journal's end, except after {@link Outcome#SET_ASIDE}
 * @param entriesCut entries after the last good one that were cut (those Chronicle could still read; the damaged one included)
 * @param bytesCut shard offsets cut after {@code goodEnd}, as far as the cut entries could be read
 * @param damagedCopy where the damaged original was moved (under {@code damaged/}); null when whole
 */
public record ShardCheck(Outcome outcome, String damage, long goodEnd, long entriesCut, long bytesCut, Path damagedCopy) {
    /** What was done. */
    public enum Outcome {
        /** Every entry is readable and whole, and the journal reaches the end the checkpoint saw. */
        WHOLE,
        /**
         * The journal was damaged after the end the checkpoint saw: it was rebuilt holding its
         * entries up to the last good one, at the offsets and queue indexes they had. The upstream
         * link's resume from the checkpoint brings the rest again.
         */
        TAIL_CUT,
        /**
         * The journal was damaged or cut short before the end the checkpoint saw (or that end is
         * unknown): it was set aside whole and the shard starts empty; it needs a new snapshot.
         */
        SET_ASIDE
    }

    static ShardCheck whole(long end) {
        return new ShardCheck(Outcome.WHOLE, null, end, 0, 0, null);
    }
}
