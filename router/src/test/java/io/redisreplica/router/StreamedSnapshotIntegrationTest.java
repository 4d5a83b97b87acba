package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Issue 18, streamed snapshots: a shard replica gets its snapshot while the master's RDB is still
 * being split. A scripted master sends a real master's RDB in two parts and holds the second
 * until the replicas have shown what they got meanwhile; every shard must then equal the real
 * master's keys of that shard.
 */
class StreamedSnapshotIntegrationTest {
    private static final int SPLIT_SLOT = ClusterSlots.SLOTS / 2;

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    /** A real master with enough keys that each shard's file grows past the split's write buffer before the RDB's end. */
    private RedisServer populatedMaster() {
        final RedisServer master = redis.start();
        // values of random digits, which LZF cannot shrink: ~1.6 MB of RDB, ~800 KB per shard, several of the split's writes
        master.call("EVAL", "for i = 1, 20000 do local v = '' for j = 1, 8 do v = v .. math.random(1000000000) end "
            + "redis.call('SET', 'key:' .. i, v) end", "0");
        master.call("RPUSH", "list{a}", "1", "2", "3");
        master.call("HSET", "hash{b}", "f", "v");
        master.call("ZADD", "zset{c}", "1", "m");
        master.call("SADD", "set{d}", "x", "y");
        master.call("SET", "ttl{e}", "v", "PX", "3600000");
        return master;
    }

    private RouterConfig config(int masterPort, int portA, int portB) {
        return ConfigParser.parse("upstream 127.0.0.1:" + masterPort + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + portA + " slots=0-" + (SPLIT_SLOT - 1)
            + "\nshard b 127.0.0.1:" + portB + " slots=" + SPLIT_SLOT + "-" + (ClusterSlots.SLOTS - 1) + "\n", "test");
    }

    private static int shardOf(byte[] key) {
        return ClusterSlots.slot(key, 0, key.length) < SPLIT_SLOT ? 0 : 1;
    }

    /** Bytes of its master's RDB a syncing replica has read (INFO replication), 0 when it is not syncing. */
    private static long syncReadBytes(RedisServer replica) {
        final String info;
        try (io.redisreplica.testkit.RedisClient c = replica.client()) {
            info = c.callString("INFO", "replication");
        }
        for (String line : info.split("\r\n")) {
            if (line.startsWith("master_sync_read_bytes:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1));
            }
        }
        return 0;
    }

    /**
     * A master whose first {@code heldConnections} full syncs send {@code rdb} up to {@code cut}, wait for {@code release}, then
     * end as {@code ending} says; later ones send it whole. Every connection after its RDB is held open.
     */
    private static FakeMaster heldMaster(byte[] rdb, int cut, CountDownLatch release, int heldConnections, String ending) throws IOException {
        return new FakeMaster((in, out, n) -> {
            final byte[] preamble = ("+FULLRESYNC 8de9b1c4a1d5b1b2a8f7d3e4c5b6a7f8e9d0c1b2 0\r\n$" + rdb.length + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
            final boolean held = n <= heldConnections;
            FakeMaster.handshake(in, out, preamble, held ? java.util.Arrays.copyOf(rdb, cut) : rdb);
            if (held) {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                switch (ending) {
                    case "close" -> {
                        return; // the master dies mid-transfer
                    }
                    case "corrupt" -> {
                        final byte[] rest = java.util.Arrays.copyOfRange(rdb, cut, rdb.length);
                        for (int i = 0; i < rest.length; i += 997) {
                            rest[i] ^= 0x5a;
                        }
                        out.write(rest);
                    }
                    default -> out.write(rdb, cut, rdb.length - cut);
                }
                out.flush();
            }
            while (in.read() >= 0) {
                // hold the connection, the router's ACKs read and let go, until it hangs up
            }
        });
    }

    @Test
    void shouldStreamEachShardItsSnapshotWhileTheMastersRdbIsStillBeingSplit() throws Exception {
        final RedisServer source = populatedMaster();
        final byte[] rdb = Files.readAllBytes(source.save());
        final CountDownLatch release = new CountDownLatch(1);
        final int portA = FreePort.find();
        final int portB = FreePort.find();
        try (FakeMaster master = heldMaster(rdb, rdb.length * 9 / 10, release, 1, "whole");
             Router router = Router.start(config(master.port(), portA, portB), CrossShardPolicy.LOG)) {
            final RedisServer a = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portA));
            final RedisServer b = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portB));
            try (Socket plain = new Socket("127.0.0.1", portB)) {
                final ScriptedReplica withoutEof = new ScriptedReplica(plain);
                withoutEof.sync();
                // the master holds the RDB's last tenth: what the replicas have now, they got while it was being split
                Await.until("both replicas to receive part of their snapshot during the split",
                    () -> syncReadBytes(a) > 0 && syncReadBytes(b) > 0, 30_000);
                assertTrue(withoutEof.awaitNewline(), "the replica without capa eof is held with newlines, as a master preparing an RDB");
                release.countDown();
                a.awaitReplicaInSync(60_000);
                b.awaitReplicaInSync(60_000);
                assertTrue(a.logTail(100).contains("receiving streamed RDB from master with EOF"), a.logTail(30));
                DatasetComparison.of(source, List.of(a, b), StreamedSnapshotIntegrationTest::shardOf).assertEqual("after the streamed sync");

                // without capa eof: the finished file, with its size first; what it holds loads as shard b
                final String fullResync = withoutEof.line();
                assertTrue(fullResync.startsWith("+FULLRESYNC " + router.shards().get(1).replid() + " "), fullResync);
                final Path file = dir.resolve("without-eof.rdb");
                Files.write(file, withoutEof.bulk());
                assertEquals(Files.size(router.shards().get(1).snapshot()), Files.size(file), "the whole snapshot file");
                final RedisServer loaded = redis.startWithRdb(RedisBinary.local(), file);
                DatasetComparison.of(source, List.of(loaded), key -> shardOf(key) == 1 ? 0 : DatasetComparison.NO_SHARD)
                    .assertEqual("the $len transfer loaded as shard b");
            }
        }
    }

    @Test
    void shouldMakeStreamingReplicasSyncAgainWhenTheMasterDiesMidTransfer() throws Exception {
        splitFailsThenReplicasEndEqual("close");
    }

    @Test
    void shouldMakeStreamingReplicasSyncAgainWhenTheMastersRdbIsCorrupt() throws Exception {
        splitFailsThenReplicasEndEqual("corrupt");
    }

    private void splitFailsThenReplicasEndEqual(String ending) throws Exception {
        final RedisServer source = populatedMaster();
        final byte[] rdb = Files.readAllBytes(source.save());
        final CountDownLatch release = new CountDownLatch(1);
        final int portA = FreePort.find();
        final int portB = FreePort.find();
        try (FakeMaster master = heldMaster(rdb, rdb.length / 2, release, 1, ending);
             Router router = Router.start(config(master.port(), portA, portB), CrossShardPolicy.LOG)) {
            final RedisServer a = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portA));
            final RedisServer b = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portB));
            Await.until("both replicas to receive part of the snapshot that will fail", () -> syncReadBytes(a) > 0 && syncReadBytes(b) > 0,
                30_000);
            release.countDown();
            Await.until("the router to sync again after the failed split", () -> router.upstream().fullSyncs() >= 1, 60_000);
            a.awaitReplicaInSync(60_000);
            b.awaitReplicaInSync(60_000);
            DatasetComparison.of(source, List.of(a, b), StreamedSnapshotIntegrationTest::shardOf)
                .awaitEqual("after a failed split and the next full sync", 30_000);
            assertEquals(0, router.drops(0) + router.drops(1), "a failed split is not the replicas' failure");
            assertTrue(master.connections.get() >= 2, "the router connected again");
        }
    }

    /**
     * Seen once under load: a replica attaching during the router's first full sync was told the journal "does not hold the
     * snapshot offset 0" (the stream's first entry being written as it sought there), then Chronicle failed in the tailer.
     */
    @Test
    void shouldGiveEveryReplicaAttachingAroundTheFirstFullSyncUnderLoadAWholeSnapshot() throws Exception {
        final RedisServer master = populatedMaster();
        final int portA = FreePort.find();
        final int portB = FreePort.find();
        final java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
        final Thread load = new Thread(() -> {
            try (io.redisreplica.testkit.RedisClient c = master.client()) {
                for (long i = 0; loading.get(); i++) {
                    c.call("SET", "load:" + (i % 1000), Long.toString(i));
                }
            }
        }, "load");
        load.start();
        final List<String> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        final java.util.concurrent.atomic.AtomicInteger synced = new java.util.concurrent.atomic.AtomicInteger();
        try (Router router = Router.start(config(master.port(), portA, portB), CrossShardPolicy.LOG)) {
            final long[] doneAt = {Long.MAX_VALUE};
            final List<Thread> attachers = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int port = t % 2 == 0 ? portA : portB;
                final boolean eof = t < 2;
                attachers.add(new Thread(() -> {
                    while (System.currentTimeMillis() < doneAt[0]) {
                        try (Socket socket = new Socket("127.0.0.1", port)) {
                            final ScriptedReplica replica = new ScriptedReplica(socket);
                            replica.sync(eof);
                            final String reply = replica.line();
                            if (!reply.startsWith("+FULLRESYNC ")) {
                                failures.add(reply);
                                continue;
                            }
                            replica.transfer();
                            // loaded: a replica that never ACKs would be dropped. Then a FIN, not a reset that could lose the ACK,
                            // and the link read to its end: the session has taken the ACK when it hangs up
                            replica.ack(Long.parseLong(reply.split(" ")[2]));
                            socket.shutdownOutput();
                            replica.drain();
                            synced.incrementAndGet();
                        } catch (IOException | RuntimeException e) {
                            failures.add((eof ? "capa eof: " : "") + e);
                        }
                    }
                }, "attach-" + t));
            }
            attachers.forEach(Thread::start);
            Await.until("the first full sync", () -> router.upstream().fullSyncs() >= 1, 30_000);
            doneAt[0] = System.currentTimeMillis() + 3_000;
            for (Thread t : attachers) {
                t.join(60_000);
            }
            assertEquals(List.of(), failures, synced.get() + " whole transfers");
            assertEquals(UpstreamLink.State.STREAMING, router.upstream().state(), "the router runs on");
        } finally {
            loading.set(false);
            load.join(10_000);
        }
    }

    /** A replica speaking the protocol by hand: without {@code capa eof} too, which redis-server 7 always announces. */
    private static final class ScriptedReplica {
        private final InputStream in;
        private final OutputStream out;

        ScriptedReplica(Socket socket) throws IOException {
            socket.setSoTimeout(60_000);
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        void sync() throws IOException {
            sync(false);
        }

        void sync(boolean capaEof) throws IOException {
            command("PING");
            assertEquals("+PONG", line());
            command("REPLCONF", "listening-port", "6999");
            assertEquals("+OK", line());
            command("REPLCONF", "capa", capaEof ? "eof" : "psync2");
            assertEquals("+OK", line());
            command("PSYNC", "?", "-1");
        }

        /** True once a keep-alive newline came before any reply. */
        boolean awaitNewline() throws IOException {
            final int b = in.read();
            return b == '\n';
        }

        /** The next line, keep-alive newlines skipped. */
        String line() throws IOException {
            final StringBuilder sb = new StringBuilder();
            while (true) {
                final int b = in.read();
                if (b < 0) {
                    throw new IOException("closed after " + sb);
                }
                if (b == '\n') {
                    if (sb.length() == 0) {
                        continue;
                    }
                    return sb.toString();
                }
                if (b != '\r') {
                    sb.append((char) b);
                }
            }
        }

        byte[] bulk() throws IOException {
            final String header = line();
            assertTrue(header.startsWith("$") && !header.startsWith("$EOF:"), "a $len transfer: " + header);
            return in.readNBytes(Integer.parseInt(header.substring(1)));
        }

        /** Reads a whole transfer, either framing; fails on a connection closed before its end. */
        void transfer() throws IOException {
            final String header = line();
            if (!header.startsWith("$EOF:")) {
                final int len = Integer.parseInt(header.substring(1));
                if (in.readNBytes(len).length != len) {
                    throw new IOException("closed inside a $" + len + " transfer");
                }
                return;
            }
            final byte[] mark = header.substring(5).getBytes(StandardCharsets.US_ASCII);
            final byte[] last = new byte[mark.length];
            long read = 0;
            while (read < mark.length || !java.util.Arrays.equals(last, mark)) {
                final int b = in.read();
                if (b < 0) {
                    throw new IOException("closed after " + read + " bytes of an $EOF transfer");
                }
                System.arraycopy(last, 1, last, 0, last.length - 1);
                last[last.length - 1] = (byte) b;
                read++;
            }
        }

        void drain() throws IOException {
            while (in.read() >= 0) {
                // the journal stream, until the session ends
            }
        }

        void ack(long offset) throws IOException {
            command("REPLCONF", "ACK", Long.toString(offset));
        }

        private void command(String... words) throws IOException {
            final StringBuilder sb = new StringBuilder("*" + words.length + "\r\n");
            for (String w : words) {
                sb.append('$').append(w.length()).append("\r\n").append(w).append("\r\n");
            }
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }
}
