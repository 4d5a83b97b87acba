package io.redisreplica.router.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;

import org.junit.jupiter.api.Test;

class ShardMapTest {
    private static SlotMatcher slots(int from, int to) {
        final BitSet set = new BitSet(ClusterSlots.SLOTS);
        set.set(from, to + 1);
        return new SlotMatcher(set, from + "-" + to);
    }

    /** What shardOf answered before its slot table: the first shard whose matcher claims the key, else the default. */
    private static int askEachShard(ShardMap map, byte[] key) {
        for (ShardMap.Shard shard : map.shards()) {
            if (shard.matcher().matches(key, 0, key.length)) {
                return shard.index();
            }
        }
        return map.defaultShard();
    }

    @Test
    void shouldNameTheFirstClaimingSlotShardOrTheDefaultForEveryKeyAsAskingEachShardDoes() {
        // overlapping ranges (the first claimer wins), a gap (8000-8999: the default, or dropped), hash tags
        final List<ShardMap.Shard> shards = List.of(
            new ShardMap.Shard(0, "a", "127.0.0.1", 7001, slots(0, 5000)),
            new ShardMap.Shard(1, "b", "127.0.0.1", 7002, slots(4000, 7999)),
            new ShardMap.Shard(2, "c", "127.0.0.1", 7003, slots(9000, 16383)));
        for (int defaultShard : new int[] {-1, 1}) {
            final ShardMap map = new ShardMap(shards, defaultShard);
            for (int i = 0; i < 200_000; i++) {
                final byte[] key = (i % 7 == 0 ? "{user" + (i % 1000) + "}:k" + i : "key:" + i).getBytes(StandardCharsets.US_ASCII);
                assertEquals(askEachShard(map, key), map.shardOf(key, 0, key.length), new String(key, StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void shouldLetDropRulesWinOverSlotShards() {
        final ShardMap map = new ShardMap(List.of(new ShardMap.Shard(0, "all", "127.0.0.1", 7001, slots(0, 16383))), -1,
            List.of(new PrefixMatcher("tmp:")));
        final byte[] dropped = "tmp:1".getBytes(StandardCharsets.US_ASCII);
        final byte[] kept = "user:1".getBytes(StandardCharsets.US_ASCII);
        assertEquals(-1, map.shardOf(dropped, 0, dropped.length));
        assertEquals(0, map.shardOf(kept, 0, kept.length));
    }
}
