package io.redisreplica.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbSink;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.resp.Command;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** The replication client against a real master: a full sync, the stream with its offsets, and a resume with +CONTINUE. */
class ReplicationClientIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    /** Keys by db of a snapshot. */
    private static TreeMap<String, Long> keys(ReplicationClient client) throws Exception {
        final TreeMap<String, Long> keys = new TreeMap<>();
        client.readSnapshot(new RdbVisitor() {
            @Override
            public RdbSink onEntry(RdbEntry entry) {
                keys.put(entry.keyString(), entry.db());
                return null;
            }
        });
        return keys;
    }

    /** The commands that come within {@code millis}, as "db:ARG ARG ...". */
    private static List<String> drain(ReplicationClient client, int count) throws Exception {
        final List<String> got = new ArrayList<>();
        while (got.size() < count) {
            final Command c = client.next(10_000);
            if (c == null) {
                break;
            }
            final StringBuilder sb = new StringBuilder().append(client.db()).append(':');
            for (int i = 0; i < c.argCount(); i++) {
                sb.append(i == 0 ? "" : " ").append(c.argString(i));
            }
            got.add(sb.toString());
        }
        return got;
    }

    @Test
    void shouldSyncInFullThenStreamCommandsWithTheMastersOffsets() throws Exception {
        final RedisServer master = redis.start();
        master.call("SET", "a", "1");
        master.call("SELECT", "3");
        try (var c = master.client()) {
            c.call("SELECT", "3");
            c.call("SET", "in3", "x");
        }
        try (ReplicationClient client = ReplicationClient.connect(ReplicationClient.options("127.0.0.1", master.port()),
            ReplicationClient.Position.NONE)) {
            assertTrue(client.sync().full(), "nothing stored: a full sync");
            final TreeMap<String, Long> snapshot = keys(client);
            assertEquals(0L, snapshot.get("a"));
            assertEquals(3L, snapshot.get("in3"));
            master.call("SET", "b", "2");
            try (var c = master.client()) {
                c.call("SELECT", "5");
                c.call("RPUSH", "l", "x", "y");
            }
            assertEquals(List.of("0:SET b 2", "5:RPUSH l x y"), drain(client, 2));
            Await.until("the client's offset to reach the master's", () -> client.position().offset() == master.replicationOffset()
                || nextIsNull(client), 10_000);
            assertEquals(master.replicationOffset(), client.position().offset());
        }
    }

    private static boolean nextIsNull(ReplicationClient client) {
        try {
            assertNull(client.next(100), "no other command");
            return false;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldContinueFromAStoredPositionWithNothingLostOrRepeated() throws Exception {
        final RedisServer master = redis.start();
        final ReplicationClient.Position stored;
        try (ReplicationClient client = ReplicationClient.connect(ReplicationClient.options("127.0.0.1", master.port()),
            ReplicationClient.Position.NONE)) {
            keys(client);
            for (int i = 0; i < 5; i++) {
                master.call("INCR", "n");
            }
            assertEquals(5, drain(client, 5).size());
            stored = client.position();
        }
        for (int i = 0; i < 3; i++) {
            master.call("RPUSH", "after", Integer.toString(i)); // while no client is connected: the backlog holds them
        }
        try (ReplicationClient client = ReplicationClient.connect(ReplicationClient.options("127.0.0.1", master.port()), stored)) {
            assertFalse(client.sync().full(), "continued: " + client.sync());
            assertEquals(List.of("0:RPUSH after 0", "0:RPUSH after 1", "0:RPUSH after 2"), drain(client, 3));
        }
    }

    @Test
    void shouldSignalAFullResyncWhenTheStoredPositionIsOfAnotherHistory() throws Exception {
        final RedisServer master = redis.start();
        try (ReplicationClient client = ReplicationClient.connect(ReplicationClient.options("127.0.0.1", master.port()),
            new ReplicationClient.Position("0123456789012345678901234567890123456789", 12_345, 0))) {
            assertTrue(client.sync().full(), "the master does not know that history");
            keys(client);
            master.call("SET", "x", "y");
            assertEquals(List.of("0:SET x y"), drain(client, 1));
        }
    }
}
