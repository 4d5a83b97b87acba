package io.redisreplica.router;

import java.util.BitSet;

/** Claims keys whose Redis Cluster hash slot is in a set of ranges. */
final class SlotMatcher implements KeyMatcher {
    private final BitSet slots;
    private final String ranges;

    SlotMatcher(BitSet slots, String ranges) {
        this.slots = slots;
        this.ranges = ranges;
    }

    BitSet slots() {
        return slots;
    }

    @Override
    public boolean matches(byte[] key, int offset, int length) {
        return slots.get(ClusterSlots.slot(key, offset, length));
    }

    @Override
    public String describe() {
        return "slots=" + ranges;
    }
}
