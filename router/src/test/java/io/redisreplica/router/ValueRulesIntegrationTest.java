package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.api.ValueTransform;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** Type and value filters and a transform loaded from a jar built here, on the snapshot and the live stream of real servers. */
class ValueRulesIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    /** Reverses every string value; a {@code suffix=} option is appended, to show options reach open(). */
    private static final String REVERSE = """
        package test.tx;

        import java.util.Map;
        import io.redisreplica.api.ValueTransform;

        public class Reverse implements ValueTransform {
            private byte[] suffix = new byte[0];

            @Override
            public void open(Map<String, String> options) {
                suffix = options.getOrDefault("suffix", "").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public byte[] transform(int db, byte[] key, byte[] value) {
                byte[] out = new byte[value.length + suffix.length];
                for (int i = 0; i < value.length; i++) {
                    out[i] = value[value.length - 1 - i];
                }
                System.arraycopy(suffix, 0, out, value.length, suffix.length);
                return out;
            }

            @Override
            public byte[] element(int db, byte[] key, String type, byte[] field, byte[] element) {
                if (new String(element, java.nio.charset.StandardCharsets.UTF_8).equals("secret")) {
                    return null;
                }
                return transform(db, key, element);
            }
        }
        """;

    @Test
    void shouldKeepFilteredKeysOffTheShardAndTransformStringsInTheSnapshotAndLive() throws Exception {
        final Path jar = TestJars.build(dir, "test.tx.Reverse", REVERSE, ValueTransform.class);
        final RedisServer master = redis.start();
        master.call("SET", "a:1", "hello");
        master.call("SET", "a:2", "keep", "EX", "1000");
        master.call("SET", "a:secret", "secret-x");
        master.call("SET", "a:big", "0123456789abcdefghij");
        master.call("XADD", "a:x", "*", "f", "v");
        master.call("RPUSH", "a:l", "ab", "cd");
        master.call("SADD", "a:s", "xy", "secret");
        master.call("ZADD", "a:z", "1", "mn", "2", "secret");
        master.call("HSET", "a:hh", "f", "uv", "g", "secret");
        final int port = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + port + " prefix=a:\ndrop type=stream\ndrop value=^secret\ndrop larger-than=16\n"
            + "transform class=test.tx.Reverse jar=" + jar + " suffix=!\n", "test");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            final RedisServer shard = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + port));
            shard.awaitReplicaInSync(20_000);
            try (RedisClient c = shard.client()) {
                assertEquals(List.of("a:1", "a:2", "a:hh", "a:l", "a:s", "a:z"), c.sortedKeys(),
                    "the snapshot without the stream, the secret and the big value");
                assertEquals("olleh!", c.callString("GET", "a:1"));
                assertEquals("peek!", c.callString("GET", "a:2"));
                assertTrue(c.callLong("TTL", "a:2") > 900, "the expiry came along with the new value");
                assertEquals(List.of("ba!", "dc!"), strings(c.call("LRANGE", "a:l", 0, -1)), "list elements, in order");
                assertEquals(List.of("yx!"), strings(c.call("SMEMBERS", "a:s")), "a member left out");
                assertEquals(List.of("nm!", "1"), strings(c.call("ZRANGE", "a:z", 0, -1, "WITHSCORES")));
                assertEquals(List.of("f", "vu!"), strings(c.call("HGETALL", "a:hh")), "a field left out with its value");
            }
            master.call("SET", "a:3", "world");
            master.call("MSET", "a:4", "abc", "a:5", "secret-z");
            master.call("XADD", "a:x2", "*", "f", "v");
            master.call("RPUSH", "a:l", "ef");
            master.call("SREM", "a:s", "xy");
            master.call("SADD", "a:s", "pq", "secret");
            master.call("HSET", "a:hh", "f", "secret", "h", "kl"); // f's value is left out: the shard's older f goes
            master.call("SET", "a:1", "secret-now"); // the shard held a:1: a filtered write deletes it there
            master.call("SETEX", "a:2", "500", "0123456789abcdefghij");
            master.call("SET", "a:done", "1");
            Await.until("the live writes", () -> "1!".equals(get(shard, "a:done")));
            try (RedisClient c = shard.client()) {
                assertEquals(List.of("a:3", "a:4", "a:done", "a:hh", "a:l", "a:s", "a:z"), c.sortedKeys());
                assertEquals("dlrow!", c.callString("GET", "a:3"));
                assertEquals("cba!", c.callString("GET", "a:4"));
                assertEquals(List.of("ba!", "dc!", "fe!"), strings(c.call("LRANGE", "a:l", 0, -1)));
                assertEquals(List.of("qp!"), strings(c.call("SMEMBERS", "a:s")), "SREM found the transformed member");
                assertEquals(List.of("h", "lk!"), strings(c.call("HGETALL", "a:hh")));
            }
            assertEquals(4, router.upstream().router().filtered(), "a:5, a:x2, a:1 and a:2 were kept off the shard");
        }
    }

    private static List<String> strings(Object reply) {
        return ((List<?>) reply).stream().map(o -> new String((byte[]) o, java.nio.charset.StandardCharsets.UTF_8)).toList();
    }

    private static String get(RedisServer server, String key) {
        try (RedisClient c = server.client()) {
            return c.callString("GET", key);
        }
    }

}
