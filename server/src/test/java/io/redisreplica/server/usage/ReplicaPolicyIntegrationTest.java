package io.redisreplica.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.server.DropPolicy;
import io.redisreplica.server.ReplicaPolicy;
import io.redisreplica.server.ReplicaStatus;
import io.redisreplica.server.ReplicationBacklog;
import io.redisreplica.server.ReplicationServer;
import io.redisreplica.server.ServerContext;
import io.redisreplica.server.ServerListener;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** A {@link ReplicaPolicy} deciding over real replicas, through the API only. */
class ReplicaPolicyIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    /** A policy that records what the server tells it, and forces a full resync while asked to. */
    private static final class Recording implements ReplicaPolicy {
        final List<String> admitted = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<String> loaded = new CopyOnWriteArrayList<>();
        final AtomicBoolean distrust = new AtomicBoolean();

        @Override
        public void loaded(String replica) {
            loaded.add(replica);
        }

        @Override
        public Admission admit(String replica) {
            admitted.add(replica);
            return distrust.get() ? Admission.FULL_RESYNC : Admission.ALLOW;
        }

        @Override
        public boolean failed(String replica, String why) {
            failures.add(replica + " " + why);
            return false;
        }
    }

    @Test
    void shouldDropAReplicaThatCannotLoadItsSnapshotAndHoldItsReconnectsInsteadOfResyncingItInALoop() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        // RDB version 9, which Redis 2.8 cannot load: it takes the snapshot, fails to load it and closes, again and again
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 10));
        final DropPolicy policy = new DropPolicy("replication server", 2, 60_000, 60_000);
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).policy(policy))) {
            final RedisServer modern = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            modern.awaitReplicaInSync(30_000);
            final RedisServer old = redis.start(RedisBinary.bundled("2.8.19"), Map.of("slaveof", "127.0.0.1 " + server.port()));
            Await.until("the old replica dropped after failing to load its snapshot twice", () -> policy.drops() == 1, 60_000);
            final String name = "127.0.0.1:" + old.port();
            assertTrue(policy.dropped(name), name + " is the one dropped");
            Await.until("its reconnect held, shown DROPPED", () -> server.replicas().stream()
                .anyMatch(r -> r.name().equals(name) && r.state() == ReplicaStatus.State.DROPPED), 30_000);
            final long resyncs = server.fullResyncs();
            Await.until("the held connection answered, saying why", () -> old.logTail(50).contains("this replica was dropped after 2 failures"),
                30_000);
            assertEquals(resyncs, server.fullResyncs(), "no snapshot for a dropped replica");
            backlog.appendCommand("SET", "during", "drop");
            Await.until("the healthy replica carries on", () -> {
                try (RedisClient c = modern.client()) {
                    return "drop".equals(c.callString("GET", "during"));
                }
            }, 30_000);
            assertTrue(server.replicas().stream().anyMatch(r -> r.name().equals("127.0.0.1:" + modern.port())
                && r.state() == ReplicaStatus.State.STREAMING), server.replicas().toString());
            try (RedisClient c = new RedisClient("127.0.0.1", server.port())) {
                final String info = c.callString("INFO", "replication");
                assertTrue(info.contains("connected_slaves:1\r\n") && info.contains("slave0:ip=127.0.0.1,port=" + modern.port() + ","),
                    "the server's INFO lists the healthy replica only, not one it refuses: " + info);
            }
        }
    }

    @Test
    void shouldResyncInFullAReplicaWhoseOffsetThePolicyDoesNotTrust() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 10));
        final Recording policy = new Recording();
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).policy(policy))) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            replica.awaitReplicaInSync(30_000);
            Await.until("its snapshot acknowledged", () -> server.replicas().size() == 1 && server.replicas().get(0).ackedOffset() >= 0);
            final String name = "127.0.0.1:" + replica.port();
            Await.until("the policy told it loaded the snapshot", () -> policy.loaded.equals(List.of(name)));
            backlog.appendCommand("INCR", "n");
            replica.call("CLIENT", "KILL", "TYPE", "master");
            Await.until("continued from its offset", () -> server.partialResyncs() == 1, 30_000);
            policy.distrust.set(true);
            replica.call("CLIENT", "KILL", "TYPE", "master");
            Await.until("a full resync instead", () -> server.fullResyncs() == 2, 30_000);
            assertEquals(1, server.partialResyncs());
            backlog.appendCommand("INCR", "n");
            Await.until("the stream after it applied once", () -> {
                try (RedisClient c = replica.client()) {
                    return "2".equals(c.callString("GET", "n"));
                }
            }, 30_000);
            Await.until("three syncs admitted", () -> policy.admitted.size() == 3);
            Await.until("its second snapshot loaded too", () -> policy.loaded.size() == 2);
            assertEquals(List.of(name, name), policy.loaded, "told once per full resync, not for the +CONTINUE");
            assertEquals(List.of("127.0.0.1:" + replica.port()), policy.admitted.stream().distinct().toList(), "named ip:listening-port");
        }
        assertEquals(List.of(), policy.failures, "a replica told to reconnect has not failed");
    }

    @Test
    void shouldHoldAndRefuseAReplicaWhenThePolicyFailsAndReportIt() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 1));
        final List<String> errors = new CopyOnWriteArrayList<>();
        final ReplicaPolicy broken = new ReplicaPolicy() {
            @Override
            public Admission admit(String replica) {
                throw new IllegalStateException("policy bug");
            }
        };
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).policy(broken)
                .listener(new ServerListener() {
                    @Override
                    public void onError(String where, Throwable error, boolean fatal) {
                        errors.add(where + ": " + error.getMessage());
                    }
                }));
            Socket c = new Socket("127.0.0.1", server.port())) {
            c.setSoTimeout(10_000);
            c.getOutputStream().write("PSYNC ? -1\r\n".getBytes(StandardCharsets.US_ASCII));
            final String reply = new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals("-ERR replication server: the replica policy failed; see the server's log\r\n", reply);
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.get(0).contains("the replica policy failed: java.lang.IllegalStateException: policy bug"), errors.toString());
        }
    }

    @Test
    void shouldCountAFailedSyncAgainstTheAddressWhenTheReplicaItClaimsToBeStreamsElsewhere() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        // large enough that a transfer is still going when the test's client resets its connection
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 1_000_000));
        final Recording policy = new Recording();
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).policy(policy))) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            replica.awaitReplicaInSync(60_000);
            Await.until("the replica streams", () -> server.replicas().stream().anyMatch(r -> r.state() == ReplicaStatus.State.STREAMING));
            assertTrue(resetInSnapshot(server.port(), replica.port()).startsWith("+FULLRESYNC "));
            Await.until("counted against the address", () -> server.protocolFailures() == 1, 30_000);
            assertEquals(List.of(), policy.failures, "never against the replica it claimed to be");
            assertTrue(resetInSnapshot(server.port(), 9999).startsWith("+FULLRESYNC "));
            Await.until("a replica's own failure told to the policy", () -> policy.failures.size() == 1, 30_000);
            assertTrue(policy.failures.get(0).startsWith("127.0.0.1:9999 FULL_SYNC: "), policy.failures.get(0));
            assertEquals(1, server.protocolFailures());
        }
    }

    @Test
    void shouldNeitherAdmitNorCountAnRdbOnlyClientThatLeavesMidSnapshot() throws Exception {
        final ReplicationBacklog backlog = new ReplicationBacklog(1 << 20);
        backlog.snapshot(Snapshots.fresh(dir.resolve("s.rdb"), 1_000_000));
        final Recording policy = new Recording();
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog).policy(policy))) {
            // redis-cli --rdb going away mid-transfer: no replica of the server's, nothing for the policy to hold against it
            assertTrue(resetInSnapshot(server.port(), 9998, true).startsWith("+FULLRESYNC "));
            // then a replica's own failure, which is told: by then the rdb-only client's reset had long been met
            assertTrue(resetInSnapshot(server.port(), 9999, false).startsWith("+FULLRESYNC "));
            Await.until("the replica's failure told to the policy", () -> policy.failures.size() == 1, 30_000);
            assertTrue(policy.failures.get(0).startsWith("127.0.0.1:9999 FULL_SYNC: "), policy.failures.toString());
            assertEquals(List.of("127.0.0.1:9999"), policy.admitted, "the rdb-only client never admitted");
        }
    }

    /** Syncs as a replica announcing {@code listeningPort}, reads the reply line, then resets the connection mid-snapshot. */
    private static String resetInSnapshot(int port, int listeningPort) throws Exception {
        return resetInSnapshot(port, listeningPort, false);
    }

    /** The same, as redis-cli --rdb asks ({@code REPLCONF rdb-only 1}) when {@code rdbOnly}. */
    private static String resetInSnapshot(int port, int listeningPort, boolean rdbOnly) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            final OutputStream out = s.getOutputStream();
            final InputStream in = s.getInputStream();
            out.write(("REPLCONF listening-port " + listeningPort + "\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals("+OK", line(in));
            if (rdbOnly) {
                out.write("REPLCONF rdb-only 1\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("+OK", line(in));
            }
            out.write("PSYNC ? -1\r\n".getBytes(StandardCharsets.US_ASCII));
            final String reply = line(in);
            in.readNBytes(1024);
            s.setSoLinger(true, 0); // a reset, not a polite close: the server's next write fails at once
            return reply;
        }
    }

    private static String line(InputStream in) throws Exception {
        final StringBuilder line = new StringBuilder();
        while (!line.toString().endsWith("\r\n")) {
            final int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("closed after " + line);
            }
            line.append((char) b);
        }
        return line.substring(0, line.length() - 2);
    }
}
