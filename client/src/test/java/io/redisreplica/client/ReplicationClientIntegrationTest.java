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

    @Test
    void shouldAcknowledgeSoThatWaitCountsItAndResumeInTheDbItWasIn() throws Exception {
        final RedisServer master = redis.start();
        final ReplicationClient.Position stored;
        try (ReplicationClient client = ReplicationClient.connect(ReplicationClient.options("127.0.0.1", master.port()),
            ReplicationClient.Position.NONE);
             var c = master.client()) {
            keys(client);
            c.call("SELECT", "7");
            c.call("SET", "k", "v");
            assertEquals(List.of("7:SET k v"), drain(client, 1));
            c.send("WAIT", "1", "5000"); // answered once the client's ACK reaches the write's offset
            assertNull(client.next(1_500));
            assertEquals(1L, c.read(), "WAIT counts the client's acknowledgement");
            stored = client.position();
        }
        try (var c = master.client()) {
            c.call("SELECT", "7");
            c.call("SET", "k2", "v2"); // the master selected 7 before: its stream does not select it again
        }
        try (ReplicationClient client = ReplicationClient.connect(ReplicationClient.options("127.0.0.1", master.port()), stored)) {
            assertFalse(client.sync().full());
            assertEquals(List.of("7:SET k2 v2"), drain(client, 1));
        }
    }

    @Test
    void shouldSayWhenACommandIsInsideATransaction() throws Exception {
        final RedisServer master = redis.start();
        try (ReplicationClient client = ReplicationClient.connect(ReplicationClient.options("127.0.0.1", master.port()),
            ReplicationClient.Position.NONE);
             var c = master.client()) {
            keys(client);
            c.call("MULTI");
            c.call("INCR", "n");
            c.call("INCR", "m");
            c.call("EXEC");
            final List<Boolean> inside = new ArrayList<>();
            final List<String> names = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                final Command cmd = client.next(10_000);
                names.add(cmd.argString(0));
                inside.add(client.inTransaction());
            }
            assertEquals(List.of("MULTI", "INCR", "INCR", "EXEC"), names);
            assertEquals(List.of(true, true, true, false), inside);
        }
    }

    /** A replica serving the sync sends its master's stream with no SELECT first: the RDB's repl-stream-db says the db. */
    @Test
    void shouldTakeTheStreamsDbFromTheSnapshotOfAReplica() throws Exception {
        final RedisServer master = redis.start();
        try (var c = master.client()) {
            c.call("SELECT", "4");
            c.call("SET", "x", "1");
        }
        final RedisServer replica = redis.start(io.redisreplica.testkit.RedisBinary.local(),
            java.util.Map.of("replicaof", "127.0.0.1 " + master.port()));
        replica.awaitReplicaInSync(20_000);
        try (ReplicationClient client = ReplicationClient.connect(ReplicationClient.options("127.0.0.1", replica.port()),
            ReplicationClient.Position.NONE)) {
            keys(client);
            try (var c = master.client()) {
                c.call("SELECT", "4");
                c.call("SET", "y", "2");
            }
            assertEquals(List.of("4:SET y 2"), drain(client, 1));
        }
    }

    @Test
    void shouldFailTheLinkWhenTheMasterSendsNothingForTheReadTimeout() throws Exception {
        final RedisServer master = redis.start();
        try (ReplicationClient client = ReplicationClient.connect(ReplicationClient.options("127.0.0.1", master.port()).readTimeout(1_500),
            ReplicationClient.Position.NONE)) {
            keys(client);
            master.pause(); // SIGSTOP: the link stays up and nothing comes, as with a frozen master or a lost network
            try {
                final java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> {
                    for (int i = 0; i < 300; i++) {
                        assertNull(client.next(100));
                    }
                });
                assertTrue(e.getMessage().startsWith("the master sent nothing for 1500 ms (the read timeout) at offset "), e.getMessage());
            } finally {
                master.resume();
            }
        }
    }
}
