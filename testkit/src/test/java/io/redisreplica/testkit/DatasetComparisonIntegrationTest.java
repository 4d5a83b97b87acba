package io.redisreplica.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The comparison finds each kind of divergence, names it, and finds none where there is none. */
class DatasetComparisonIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    /** Keys starting with "a" belong to shard 0, "b" to shard 1, others to no shard. */
    private static int shardOf(byte[] key) {
        return key[0] == 'a' ? 0 : key[0] == 'b' ? 1 : DatasetComparison.NO_SHARD;
    }

    @Test
    void shouldNameEveryKindOfDifferenceByDbKeyAndShard() {
        final RedisServer master = redis.start();
        final RedisServer a = redis.start();
        final RedisServer b = redis.start();
        for (RedisServer s : List.of(master, a)) {
            s.call("SET", "a-same", "v", "EX", 1000);
            s.call("RPUSH", "a-list", "1", "2");
            s.call("SET", "a-ttl", "v");
            s.call("XADD", "a-stream", "1-1", "f", "v");
            s.call("SADD", "a-set", "x", "y", "z");
        }
        master.call("SET", "a-missing", "v");
        master.call("SET", "a-ttl", "v", "EX", 1000);
        a.call("SET", "a-ttl", "v", "EX", 1005);
        master.call("RPUSH", "a-list", "3");
        a.call("RPUSH", "a-list", "4");
        master.call("XGROUP", "CREATE", "a-stream", "g", "0");
        master.call("SET", "dropped", "on no shard");
        a.call("SET", "dropped", "v");
        b.call("SET", "a-elsewhere", "v");
        master.call("SET", "a-elsewhere", "v");
        a.call("SET", "a-elsewhere", "v");
        b.call("SET", "b-stale", "v");
        try (RedisClient m = master.client(); RedisClient bb = b.client()) {
            m.call("SELECT", 3); // a db other than 0
            m.call("HSET", "b-hash", "f", "1");
            bb.call("SELECT", 3);
            bb.call("HSET", "b-hash", "f", "2");
        }

        final List<String> found = DatasetComparison.of(master, List.of(a, b), DatasetComparisonIntegrationTest::shardOf).differences()
            .stream().map(d -> d.toString().replaceAll("pttl \\d+", "pttl N")).toList();

        assertEquals(List.of(
            "db 0 key \"a-elsewhere\" shard 1: on the wrong shard (it belongs to shard 0)",
            "db 0 key \"a-list\" shard 0: value differs: master list:[\"1\", \"2\", \"3\"], shard list:[\"1\", \"2\", \"4\"]",
            "db 0 key \"a-missing\" shard 0: missing on its shard (master has string:\"v\")",
            "db 0 key \"a-stream\" shard 0: value differs: master stream:[[\"1-1\", [\"f\", \"v\"]]] info {length=1 "
                + "last-generated-id=\"1-1\" max-deleted-entry-id=\"0-0\" entries-added=1 recorded-first-entry-id=\"1-1\" groups=1 } "
                + "group {name=\"g\" consumers=0 pending=0 last-delivered-id=\"0-0\" } consumers [] pel [], shard stream:[[\"1-1\", "
                + "[\"f\", \"v\"]]] info {length=1 last-generated-id=\"1-1\" max-deleted-entry-id=\"0-0\" entries-added=1 "
                + "recorded-first-entry-id=\"1-1\" groups=0 }",
            "db 0 key \"a-ttl\" shard 0: TTL differs: master pttl N ms, shard pttl N ms",
            "db 0 key \"b-stale\" shard 1: on its shard, but not on the master (shard has string:\"v\")",
            "db 0 key \"dropped\" shard 0: on a shard, but no shard owns it",
            "db 3 key \"b-hash\" shard 1: value differs: master hash:[\"f\"=\"1\"], shard hash:[\"f\"=\"2\"]"), found);
    }

    @Test
    void shouldFindNoDifferenceWhenEveryShardHoldsExactlyItsKeys() {
        final RedisServer master = redis.start();
        final RedisServer a = redis.start();
        final RedisServer b = redis.start();
        final List<Object[]> strings = new ArrayList<>();
        final List<Object[]> zsets = new ArrayList<>();
        for (int i = 0; i < 1200; i++) { // more than one SCAN page
            strings.add(new Object[] {"SET", "a" + i, i, "EX", 1000 + i});
            zsets.add(new Object[] {"ZADD", "b" + i, i, "m"});
        }
        try (RedisClient m = master.client(); RedisClient ca = a.client(); RedisClient cb = b.client()) {
            m.pipeline(strings);
            m.pipeline(zsets);
            ca.pipeline(strings);
            cb.pipeline(zsets);
        }
        master.call("SET", "unowned", "only on the master");
        DatasetComparison.of(master, List.of(a, b), DatasetComparisonIntegrationTest::shardOf).assertEqual("equal shards");
    }
}
