package io.redisreplica.tools;

import java.nio.charset.StandardCharsets;

import io.redisreplica.router.routing.ClusterSlots;

/** For each hash slot, a short string whose CRC16 lands in it: the tag of that slot's checkpoint key on a cluster target. */
final class SlotTags {
    static final String[] TAGS = new String[ClusterSlots.SLOTS];

    static {
        int found = 0;
        for (int i = 0; found < ClusterSlots.SLOTS; i++) {
            final byte[] b = Integer.toString(i, 36).getBytes(StandardCharsets.US_ASCII);
            final int slot = ClusterSlots.crc16(b, 0, b.length) & (ClusterSlots.SLOTS - 1);
            if (TAGS[slot] == null) {
                TAGS[slot] = new String(b, StandardCharsets.US_ASCII);
                found++;
            }
        }
    }

    private SlotTags() {
    }

    /** The checkpoint key of {@code slot}: {@code {tag}key}. */
    static String key(int slot, String checkpointKey) {
        return "{" + TAGS[slot] + "}" + checkpointKey;
    }
}
