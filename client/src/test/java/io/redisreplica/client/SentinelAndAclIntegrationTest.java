package io.redisreplica.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocketFactory;

import io.redisreplica.journal.JournalContext;
import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbValueVisitor;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.resp.Command;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.SentinelGroup;
import io.redisreplica.testkit.TlsCertificates;

/**
 * The client as an ACL user with replication rights only, and finding its master through Sentinel
 * across a failover, plain and with everything over TLS.
 */
class SentinelAndAclIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldReplicateAsAnAclUserWithOnlyTheReplicationCommands() throws Exception {
        final RedisServer master = redis.start();
        master.call("ACL", "SETUSER", "repl", "on", ">s3cret", "-@all", "+psync", "+replconf", "+ping");
        final ReplicationClient.Options options = ReplicationClient.options("127.0.0.1", master.port());
        try (ReplicationClient client = ReplicationClient.connect(options.auth("repl", "s3cret"), ReplicationClient.Position.NONE)) {
            client.readSnapshot(new RdbVisitor() { });
            master.call("SET", "k", "v");
            assertEquals("k", client.next(10_000).argString(1));
        }
        final IOException refused = assertThrows(IOException.class,
            () -> ReplicationClient.connect(options.auth("repl", "wrong"), ReplicationClient.Position.NONE));
        assertTrue(refused.getMessage().startsWith("master answered AUTH with -WRONGPASS"), refused.getMessage());
        assertFalse(refused.getMessage().contains("wrong") || options.auth("repl", "s3cret").toString().contains("s3cret"),
            "no password in messages");
    }

    /**
     * Whether the new master continues the stream depends on timing: the sentinels publish their
     * hellos on the old master until it is reconfigured, so a client (like any replica of it) may
     * hold bytes the new master never had, and then resyncs in full. Either way the application
     * ends with every write once: the RPUSHes it received, after the last snapshot's list.
     */
    @Test
    void shouldFollowAFailoverThroughSentinelWithEachWriteOnce() throws Exception {
        final RedisServer master = redis.start();
        final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + master.port()));
        replica.awaitReplicaInSync(20_000);
        final SentinelGroup group = SentinelGroup.start(redis, "m", master, 1);
        group.awaitWatching(replica.port());
        final Sentinels sentinels = new Sentinels(List.of(group.addresses().split(",")), "m", null, null);
        assertEquals(master.port(), sentinels.locate(ReplicationClient.options("", 0)).port());
        followFailover(master, replica, replica.port(), group, sentinels, ReplicationClient.options("", 0));
    }

    /**
     * Sentinels that listen with TLS only to clients with a certificate, watching a TLS master and
     * its TLS replica ({@code tls-replication yes} everywhere): the client asks them over TLS,
     * streams from the master's TLS port and follows a failover to the replica's.
     */
    @Test
    void shouldFindATlsMasterThroughSentinelsOverTlsAndFollowAFailover() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("certs"));
        final SSLSocketFactory tls = certs.clientSockets(certs.issue("app", 30, TlsCertificates.KeyForm.PKCS8));
        final RedisServer master = redis.startTls(certs, Map.of());
        final RedisServer replica = redis.startTls(certs, Map.of("tls-replication", "yes", "replicaof", "127.0.0.1 " + master.tlsPort()));
        replica.awaitReplicaInSync(20_000);
        final SentinelGroup group = SentinelGroup.startTls(redis, "m", master, 1, certs);
        group.awaitWatching(replica.tlsPort());
        final ReplicationClient.Options options = ReplicationClient.options("", 0).sockets(tls);
        final Sentinels plain = new Sentinels(List.of(group.tlsAddresses().split(",")), "m", null, null);
        final IOException notTls = assertThrows(IOException.class, () -> plain.locate(options));
        assertTrue(notTls.getMessage().startsWith("no sentinel named the master m: " + group.tlsAddresses() + ": "), notTls.getMessage());
        final IOException untrusted = assertThrows(IOException.class,
            () -> plain.sockets((SSLSocketFactory) SSLSocketFactory.getDefault()).locate(options));
        assertTrue(untrusted.getMessage().contains(": TLS handshake with sentinel " + group.tlsAddresses() + " failed: "),
            untrusted.getMessage());
        final Sentinels sentinels = plain.sockets(tls);
        assertEquals(master.tlsPort(), sentinels.locate(options).port());
        followFailover(master, replica, replica.tlsPort(), group, sentinels, options);
    }

    /**
     * A journaled client that finds the master through {@code sentinels}, takes five writes on
     * it, and five more on {@code replica} after a failover promoted it: each once, in order.
     */
    private void followFailover(RedisServer master, RedisServer replica, int replicaPort, SentinelGroup group, Sentinels sentinels,
                                ReplicationClient.Options options) throws Exception {
        try (JournaledClient client = JournaledClient.open(sentinels, options, new JournalContext().dir(dir.resolve("journal"))
            .minFreeBytes(0))) {
            final List<String> list = new ArrayList<>();
            client.readSnapshot(listOf(list));
            client.acknowledge();
            for (int i = 0; i < 5; i++) {
                master.call("RPUSH", "seq", Integer.toString(i));
            }
            take(client, list, 5);
            assertEquals(List.of("0", "1", "2", "3", "4"), list);
            // what a failover keeps is what the replica has: the five writes, before it is promoted
            io.redisreplica.testkit.Await.until("the replica to hold the five writes",
                () -> Long.valueOf(5).equals(replica.call("LLEN", "seq")), 20_000);
            group.failover();
            group.awaitMaster(replicaPort);
            for (int i = 5; i < 10; i++) {
                replica.call("RPUSH", "seq", Integer.toString(i)); // the new master
            }
            take(client, list, 10);
            assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), list, "each once, in order");
        }
    }

    /** A snapshot visitor that replaces {@code list} with the snapshot's {@code seq}. */
    private static RdbVisitor listOf(List<String> list) {
        list.clear();
        return new RdbVisitor() {
            @Override
            public RdbValueVisitor onValue(RdbEntry entry) {
                return new RdbValueVisitor() {
                    @Override
                    public void onListItem(RdbEntry e, byte[] item) {
                        list.add(new String(item, java.nio.charset.StandardCharsets.UTF_8));
                    }
                };
            }
        };
    }

    /** Applies RPUSHes (and a full resync's snapshot) to {@code list} until it holds {@code size}, through reconnects (60 s at most). */
    private static void take(JournaledClient client, List<String> list, int size) throws Exception {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (list.size() < size && System.nanoTime() < deadline) {
            try {
                if (client.snapshotPending()) {
                    client.readSnapshot(listOf(list));
                    System.out.println("the new master resynced in full");
                    continue;
                }
                final Command c = client.next(100);
                if (c != null && c.argString(0).equals("RPUSH")) { // the sentinels' hellos (PUBLISH) are in the stream too
                    list.add(c.argString(c.argCount() - 1));
                }
            } catch (IOException reconnecting) {
                // while the sentinels still name the old master, or it is being reconfigured
            }
        }
    }
}
