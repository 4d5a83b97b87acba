package io.redisreplica.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.JournalContext;
import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbSink;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.resp.Command;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** The journaled client against a real master: what was delivered and not acknowledged comes again, exactly, after a reopen. */
class JournaledClientIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private JournaledClient open(RedisServer master) throws Exception {
        return JournaledClient.open(ReplicationClient.options("127.0.0.1", master.port()), new JournalContext().dir(dir).minFreeBytes(0));
    }

    /** The last argument of each of {@code count} commands (failing on a wait of 10 s). */
    private static List<String> take(JournaledClient client, int count) throws Exception {
        final List<String> got = new ArrayList<>();
        for (int waited = 0; got.size() < count && waited < 100; ) {
            final Command c = client.next(100);
            if (c == null) {
                waited++;
            } else {
                got.add(c.argString(c.argCount() - 1));
            }
        }
        return got;
    }

    private static List<String> keys(JournaledClient client) throws Exception {
        final List<String> keys = new ArrayList<>();
        client.readSnapshot(new RdbVisitor() {
            @Override
            public RdbSink onEntry(RdbEntry entry) {
                keys.add(entry.keyString());
                return null;
            }
        });
        return keys;
    }

    private static List<String> range(int from, int to) {
        final List<String> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add(Integer.toString(i));
        }
        return values;
    }

    @Test
    void shouldDeliverWhatWasNotAcknowledgedAgainThenContinueWithoutAFullResync() throws Exception {
        final RedisServer master = redis.start();
        master.call("SET", "before", "x");
        final ReplicationClient.Position acked;
        try (JournaledClient client = open(master)) {
            assertEquals(ReplicationClient.Position.NONE, client.acknowledged());
            assertTrue(client.snapshotPending(), "nothing acknowledged: a full resync");
            assertEquals(List.of("before"), keys(client));
            client.acknowledge();
            for (int i = 0; i < 10; i++) {
                master.call("RPUSH", "seq", Integer.toString(i));
            }
            assertEquals(range(0, 4), take(client, 4));
            client.acknowledge();
            acked = client.position();
            assertEquals(range(4, 10), take(client, 6)); // delivered, never acknowledged: as if the application died here
        }
        for (int i = 10; i < 15; i++) {
            master.call("RPUSH", "seq", Integer.toString(i));
        }
        try (JournaledClient client = open(master)) {
            assertEquals(acked, client.acknowledged());
            assertFalse(client.snapshotPending());
            assertEquals(range(4, 15), take(client, 11), "the journal's 4-9, then the master's 10-14, once each");
            assertFalse(client.snapshotPending(), "the master continued after the journal's last command");
            assertNull(client.next(200));
            assertEquals(master.replicationOffset(), client.position().offset());
        }
    }

    @Test
    void shouldDeliverTheJournalThenAFullResyncWhenTheMasterNoLongerHoldsTheRest() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "16kb"));
        try (JournaledClient client = open(master)) {
            keys(client);
            client.acknowledge();
            for (int i = 0; i < 10; i++) {
                master.call("RPUSH", "seq", Integer.toString(i));
            }
            assertEquals(range(0, 10), take(client, 10));
        }
        try (JournaledClient client = open(master)) {
            // nothing was acknowledged after the snapshot: all ten come again (none had been acknowledged)
            assertEquals(range(0, 10), take(client, 10));
        }
        final String big = "v".repeat(1024);
        for (int i = 0; i < 64; i++) {
            master.call("SET", "big" + i, big); // 64 KB while the application is down: more than the backlog holds
        }
        try (JournaledClient client = open(master)) {
            assertEquals(range(0, 10), take(client, 10), "the journal's commands first");
            assertNull(client.next(1_000), "the master cannot continue: a full resync");
            assertTrue(client.snapshotPending());
            assertThrows(IllegalStateException.class, () -> client.next(0));
            assertEquals(65, keys(client).size(), "seq and the 64 big keys");
            client.acknowledge();
            master.call("RPUSH", "seq", "after");
            assertEquals(List.of("after"), take(client, 1));
            client.acknowledge();
        }
        try (JournaledClient client = open(master)) {
            assertFalse(client.snapshotPending(), "the acknowledged snapshot and command: the master continues");
            assertNull(client.next(500));
        }
    }

    @Test
    void shouldAskForANewSnapshotWhenTheLastFullResyncWasNotAcknowledged() throws Exception {
        final RedisServer master = redis.start();
        try (JournaledClient client = open(master)) {
            keys(client);
            client.acknowledge();
            master.call("RPUSH", "seq", "0");
            master.call("RPUSH", "seq", "1");
            assertEquals(List.of("0"), take(client, 1));
            client.acknowledge();
            assertEquals(List.of("1"), take(client, 1));
            master.kill(); // back without its data: a new history, the master's replid changes
            master.startAgain();
            master.call("SET", "new", "1");
            while (!client.snapshotPending()) {
                try {
                    assertNull(client.next(200), "no command until the new snapshot");
                } catch (java.io.IOException reconnecting) {
                    // the master was still coming up
                }
            }
            assertEquals(List.of("new"), keys(client));
            // not acknowledged: the application died while applying the snapshot
        }
        try (JournaledClient client = open(master)) {
            assertEquals(List.of("1"), take(client, 1), "the command before the unacknowledged snapshot");
            assertNull(client.next(1_000));
            assertTrue(client.snapshotPending(), "the snapshot was never acknowledged: a new one");
            assertEquals(List.of("new"), keys(client));
        }
    }

    @Test
    void shouldAskForANewSnapshotAfterOneTheApplicationFailedToRead() throws Exception {
        final RedisServer master = redis.start();
        for (int i = 0; i < 50; i++) {
            master.call("SET", "k" + i, "v");
        }
        final RdbVisitor failing = new RdbVisitor() {
            @Override
            public RdbSink onEntry(RdbEntry entry) {
                if (entry.keyString().equals("k7")) {
                    throw new IllegalStateException("the application's store refused a key");
                }
                return null;
            }
        };
        try (JournaledClient client = open(master)) {
            assertTrue(client.snapshotPending());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> client.readSnapshot(failing));
            client.acknowledge(); // in a finally, say: it must not record the half-read snapshot as applied
        }
        try (JournaledClient client = open(master)) {
            assertTrue(client.snapshotPending(), "a restart asks for a new snapshot, not a continue after a half-read one");
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> client.readSnapshot(failing));
            assertNull(client.next(100), "the next call reconnects and finds a new full resync");
            assertTrue(client.snapshotPending(), "in the same process too");
            assertEquals(50, keys(client).size());
            client.acknowledge();
            master.call("RPUSH", "after", "1");
            assertEquals(List.of("1"), take(client, 1));
        }
    }

    /** {@code NAME LAST_ARG} of each of {@code count} commands, with {@code +} when inside a transaction (failing on a wait of 10 s). */
    private static List<String> takeMarked(JournaledClient client, int count) throws Exception {
        final List<String> got = new ArrayList<>();
        for (int waited = 0; got.size() < count && waited < 100; ) {
            final Command c = client.next(100);
            if (c == null) {
                waited++;
            } else {
                got.add(c.argString(0) + " " + c.argString(c.argCount() - 1) + (client.inTransaction() ? " +" : ""));
            }
        }
        return got;
    }

    /**
     * An application that stops (its last acknowledgement inside a MULTI/EXEC) gets the whole
     * transaction again, from its MULTI: never its tail alone, which an application applying
     * transactions at their EXEC could not apply, and never a part twice after a rollback to
     * {@link JournaledClient#acknowledged()}.
     */
    @Test
    void shouldDeliverATransactionAgainWholeWhenAcknowledgedInsideIt() throws Exception {
        final RedisServer master = redis.start();
        final List<String> transaction = List.of("MULTI MULTI +", "RPUSH 1 +", "RPUSH 2 +", "EXEC EXEC");
        final ReplicationClient.Position beforeMulti;
        final ReplicationClient.Position afterExec;
        try (JournaledClient client = open(master)) {
            keys(client);
            client.acknowledge();
            master.call("RPUSH", "seq", "0");
            assertEquals(List.of("RPUSH 0"), takeMarked(client, 1));
            client.acknowledge();
            beforeMulti = client.position();
            try (RedisClient c = master.client()) {
                c.call("MULTI");
                c.call("RPUSH", "seq", "1");
                c.call("RPUSH", "seq", "2");
                c.call("EXEC");
            }
            assertEquals(transaction.subList(0, 2), takeMarked(client, 2));
            client.acknowledge(); // inside the transaction: records the point before its MULTI
        }
        try (JournaledClient client = open(master)) {
            assertEquals(beforeMulti, client.acknowledged(), "the position before the MULTI, not after RPUSH 1");
            // MULTI and RPUSH 1 from the journal; the master continues inside the transaction without a MULTI
            assertEquals(transaction.subList(0, 3), takeMarked(client, 3));
            client.acknowledge();
        }
        try (JournaledClient client = open(master)) {
            assertEquals(beforeMulti, client.acknowledged(), "still before the MULTI: the transaction was not finished");
            assertEquals(transaction, takeMarked(client, 4), "the transaction whole, once");
            client.acknowledge();
            afterExec = client.position();
        }
        try (JournaledClient client = open(master)) {
            assertEquals(afterExec, client.acknowledged(), "after the EXEC");
            assertNull(client.next(500));
            assertFalse(client.inTransaction());
        }
    }
}
