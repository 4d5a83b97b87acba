package io.redisreplica.router.routing;

import java.util.BitSet;

/** Claims keys whose Redis Cluster hash slot is in a set of ranges. */
public final class SlotMatcher implements KeyMatcher {
    private final BitSet slots;
    private final String ranges;

    public SlotMatcher(BitSet slots, String ranges) {
        this.slots = slots;
        this.ranges = ranges;
    }

    public BitSet slots() {
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
