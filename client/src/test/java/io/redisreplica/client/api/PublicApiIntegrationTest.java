package io.redisreplica.client.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.client.JournaledClient;
import io.redisreplica.client.ReplicationClient;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbSink;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.resp.Command;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * The client as another program uses it: from outside its package, through the public API only
 * ({@code io.redisreplica.client}, and the public types of rdb, resp and journal it hands out);
 * {@code ApiSurfaceTest} checks that this file imports nothing of {@code client.impl}.
 */
class PublicApiIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private static final class KeyNames implements RdbVisitor {
        final List<String> keys = new ArrayList<>();

        @Override
        public RdbSink onEntry(RdbEntry entry) {
            keys.add(entry.db() + ":" + entry.keyString());
            return null;
        }
    }

    @Test
    void shouldSyncStreamAndResumeThroughThePublicApiOnly() throws Exception {
        final RedisServer master = redis.start();
        master.call("SET", "k", "v");
        final ReplicationClient.Options options = ReplicationClient.options("127.0.0.1", master.port());
        final ReplicationClient.Position stored;
        try (ReplicationClient client = ReplicationClient.connect(options, ReplicationClient.Position.NONE)) {
            assertTrue(client.sync().full());
            final KeyNames snapshot = new KeyNames();
            client.readSnapshot(snapshot);
            assertEquals(List.of("0:k"), snapshot.keys);
            master.call("INCR", "n");
            final Command c = client.next(10_000);
            assertEquals("INCR", c.argString(0));
            assertEquals(0, client.db());
            assertFalse(client.inTransaction());
            stored = client.position();
            assertEquals(stored.offset(), client.offset());
        }
        master.call("INCR", "n");
        try (ReplicationClient client = ReplicationClient.connect(options, stored)) {
            assertFalse(client.sync().full(), "continued from the stored position");
            assertEquals("n", client.next(10_000).argString(1));
        }
    }

    @Test
    void shouldJournalAndAcknowledgeThroughThePublicApiOnly() throws Exception {
        final RedisServer master = redis.start();
        final ReplicationClient.Options options = ReplicationClient.options("127.0.0.1", master.port());
        final JournalContext journal = new JournalContext().dir(dir).minFreeBytes(0);
        try (JournaledClient client = JournaledClient.open(options, journal)) {
            assertTrue(client.snapshotPending());
            client.readSnapshot(new KeyNames());
            client.acknowledge();
            master.call("SET", "a", "1");
            assertEquals("a", client.next(10_000).argString(1));
        }
        try (JournaledClient client = JournaledClient.open(options, journal)) {
            assertEquals("a", client.next(10_000).argString(1), "not acknowledged: delivered again");
            client.acknowledge();
            assertNull(client.next(200));
        }
    }
}
