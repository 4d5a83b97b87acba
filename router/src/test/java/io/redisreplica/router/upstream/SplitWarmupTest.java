package io.redisreplica.router.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.redisreplica.rdb.RdbSplitter;
import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.rdb.SplitResult;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.routing.ShardMap;

class SplitWarmupTest {
    private static ShardMap slotMap() {
        return ConfigParser.parse("upstream 127.0.0.1:6379\njournal /tmp/unused\n"
            + "shard a 127.0.0.1:7001 slots=0-4095\nshard b 127.0.0.1:7002 slots=4096-8191\n"
            + "shard c 127.0.0.1:7003 slots=8192-12287\nshard d 127.0.0.1:7004 slots=12288-16383\n", "test").shardMap();
    }

    @Test
    void shouldSplitEveryEntryOfItsRdbThroughTheShardMapOnEachPass() throws Exception {
        final SplitWarmup warmup = new SplitWarmup(slotMap(), 4);
        warmup.start();
        warmup.join(120_000);
        assertFalse(warmup.alive());
        // a failed pass (an RDB made wrong here) would stop short of this
        assertEquals((long) SplitWarmup.ENTRIES * SplitWarmup.PASSES, warmup.entriesSplit());
    }

    @Test
    void shouldMakeAnRdbThatSplitsWholeIntoEveryShard() {
        final ShardMap map = slotMap();
        final List<RdbWriter> writers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            writers.add(new RdbWriter(java.io.OutputStream.nullOutputStream()));
        }
        final SplitResult result = new RdbSplitter().split(new ByteArrayInputStream(SplitWarmup.rdb()), writers,
            (db, key, len) -> map.shardOf(key, 0, len));
        assertEquals(SplitWarmup.ENTRIES, result.totalKeys());
        for (long keys : result.keysPerShard()) {
            assertFalse(keys == 0, "every shard gets keys, so each shard's writer is compiled");
        }
    }

    @Test
    void shouldSplitNothingOnceCancelled() throws Exception {
        final SplitWarmup warmup = new SplitWarmup(slotMap(), 4);
        warmup.cancel();
        warmup.start();
        warmup.join(120_000);
        assertFalse(warmup.alive());
        assertEquals(0, warmup.entriesSplit());
    }

    @Test
    void shouldStartOncePerJvm() {
        final SplitWarmup first = SplitWarmup.startOnce(slotMap(), 4); // null when an earlier test's full sync started it
        if (first != null) {
            first.cancel();
        }
        assertNull(SplitWarmup.startOnce(slotMap(), 4));
    }
}
