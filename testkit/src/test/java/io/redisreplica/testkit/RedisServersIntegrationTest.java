package io.redisreplica.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisServersIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @Test
    void shouldRunOldAndCurrentServersSideBySide() {
        final RedisServer v28 = redis.start(RedisBinary.bundled("2.8.19"));
        final RedisServer v62 = redis.start(RedisBinary.bundled("6.2.7"));
        final RedisServer v70 = redis.start(RedisBinary.local());
        assertEquals("2.8.19", v28.binary().version());
        assertEquals("6.2.7", v62.binary().version());
        assertTrue(v70.binary().atLeast(7, 0), v70.binary().version());
        for (RedisServer server : List.of(v28, v62, v70)) {
            try (RedisClient client = server.client()) {
                assertEquals("OK", client.callString("SET", "k", server.binary().version()));
                assertEquals(server.binary().version(), client.callString("GET", "k"));
                assertTrue(client.callString("INFO", "server").contains("redis_version:" + server.binary().version()));
            }
        }
        assertEquals(3, List.of(v28.port(), v62.port(), v70.port()).stream().distinct().count());
    }

    @Test
    void shouldWriteRdbOfTheServersOwnVersion() throws Exception {
        for (String version : RedisBinary.BUNDLED_VERSIONS) {
            final RedisServer server = redis.start(RedisBinary.bundled(version));
            server.call("SET", "k", "v");
            final Path rdb = server.save();
            final byte[] header = first9(rdb);
            assertEquals(String.format("REDIS%04d", server.binary().rdbVersion()), new String(header, "US-ASCII"), version);
        }
    }

    @Test
    void shouldReplicateBetweenFixtureServers() {
        final RedisServer master = redis.start();
        final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + master.port()));
        master.call("SET", "apple", "red");
        replica.awaitReplicaInSync(10_000);
        final long deadline = System.currentTimeMillis() + 5_000;
        while (replica.call("GET", "apple") == null && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        try (RedisClient c = replica.client()) {
            assertEquals("red", c.callString("GET", "apple"));
        }
    }

    @Test
    void shouldStopServersAndDeleteTheirDirectories() {
        final RedisServer server = redis.start();
        final Path dir = server.dir();
        server.pause();
        redis.close(); // what the extension does after each test, also for a paused server
        assertFalse(server.isAlive());
        assertFalse(Files.exists(dir));
    }

    /** An RDB file's 9-byte magic and version. */
    private static byte[] first9(Path file) throws java.io.IOException {
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(9);
        }
    }
}
