package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.SeekResult;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Commands and transactions longer than a journal document (16 MiB) or the old 8 MiB command cap,
 * with real servers: they reach the shard replica whole, replication goes on after them, and a
 * replica that loses its link inside one continues at its start.
 */
class BigCommandsIntegrationTest {
    private static final int MB = 1024 * 1024;

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private int portA;
    private int portB;

    private RouterConfig config(RedisServer master, String extra) {
        portA = FreePort.find();
        portB = FreePort.find();
        return ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + portA + " prefix=a:\nshard b 127.0.0.1:" + portB + " prefix=b:\n" + extra, "test");
    }

    private static byte[] random(int length, long seed) {
        final byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** SHA-1 of a string value, computed by the server itself (nothing big crosses to the test). */
    private static String digest(RedisServer server, String key) {
        try (RedisClient c = server.client()) {
            return c.callString("EVAL", "return redis.sha1hex(redis.call('GET', KEYS[1]) or '')", 1, key);
        }
    }

    private static long strlen(RedisServer server, String key) {
        try (RedisClient c = server.client()) {
            return c.callLong("STRLEN", key);
        }
    }

    private static String get(RedisServer server, String key) {
        try (RedisClient c = server.client()) {
            return c.callString("GET", key);
        }
    }

    @Test
    void shouldReplicateSetsOf9And100MBToTheShardReplicaAndGoOnAfterThem() throws Exception {
        final RedisServer master = redis.start();
        try (Router router = Router.start(config(master, ""), CrossShardPolicy.LOG)) {
            final RedisServer a = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portA));
            a.awaitReplicaInSync(20_000);
            try (RedisClient c = master.client()) {
                c.call("SET", "a:big9", random(9_000_000, 9));
                c.call("INCR", "a:counter");
                c.call("SET", "a:big100", random(100_000_000, 100));
                c.call("INCR", "a:counter");
                c.call("SET", "a:big9ttl", random(9_000_000, 19), "EX", "1000"); // journaled with an absolute expiry
                c.call("SET", "b:other", "x");
            }
            Await.until("the 100 MB SET and the INCR after it on shard a", () -> "2".equals(get(a, "a:counter")), 120_000);
            assertEquals(9_000_000, strlen(a, "a:big9"));
            assertEquals(100_000_000, strlen(a, "a:big100"));
            assertEquals(digest(master, "a:big9"), digest(a, "a:big9"));
            assertEquals(digest(master, "a:big100"), digest(a, "a:big100"));
            Await.until("the 9 MB SET with EX", () -> strlen(a, "a:big9ttl") == 9_000_000);
            assertEquals(digest(master, "a:big9ttl"), digest(a, "a:big9ttl"));
            try (RedisClient c = a.client()) {
                assertTrue(c.callLong("TTL", "a:big9ttl") > 900, "its expiry came along");
            }
            master.call("INCR", "a:counter");
            Await.until("replication goes on", () -> "3".equals(get(a, "a:counter")));
            assertEquals(UpstreamLink.State.STREAMING, router.upstream().state());
            assertTrue(router.upstream().bufferGrowths() > 0, "the read buffer grew for the big commands");
            assertEquals(3, router.shards().get(0).writer().pieceEntries(), "the three big SETs were journaled in pieces");
            assertEquals(0, router.shards().get(0).fullResyncs() - 1, "one full sync, at the start");
        }
    }

    @Test
    void shouldJournalABigSetWithARelativeExpiryFromA62MasterAsAbsolute() throws Exception {
        final RedisServer master = redis.start(RedisBinary.bundled("6.2.7")); // propagates SET ... EX as it came
        try (Router router = Router.start(config(master, ""), CrossShardPolicy.LOG)) {
            final RedisServer a = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portA));
            a.awaitReplicaInSync(20_000);
            try (RedisClient c = master.client()) {
                c.call("SET", "a:big", random(9_000_000, 9), "EX", "1000");
                c.call("INCR", "a:after");
            }
            Await.until("the INCR after the big SET", () -> "1".equals(get(a, "a:after")), 60_000);
            assertEquals(digest(master, "a:big"), digest(a, "a:big"));
            try (RedisClient c = a.client()) {
                assertTrue(c.callLong("TTL", "a:big") > 900, "its expiry came along");
            }
            assertEquals(UpstreamLink.State.STREAMING, router.upstream().state());
        }
    }

    @Test
    void shouldGiveEventSinksAnEntryInPiecesAsOneCommand() throws Exception {
        final RedisServer master = redis.start();
        final RedisServer target = redis.start();
        final RouterConfig config = config(master, "sink seen command 127.0.0.1:" + target.port() + " SADD seen {key}:{command}\n");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("streaming", () -> router.upstream().state() == UpstreamLink.State.STREAMING);
            try (RedisClient c = master.client()) {
                c.call("SET", "a:big", random(20_000_000, 20));
                c.call("INCR", "a:after");
            }
            Await.until("both events in the target", () -> {
                try (RedisClient t = target.client()) {
                    return t.callLong("SCARD", "seen") == 2;
                }
            }, 60_000);
            try (RedisClient t = target.client()) {
                assertEquals(1, t.callLong("SISMEMBER", "seen", "a:big:SET"));
                assertEquals(1, t.callLong("SISMEMBER", "seen", "a:after:INCR"));
            }
        }
    }

    @Test
    void shouldStopTheLinkWithAClearErrorOnACommandLongerThanProtoMaxBulkLen() throws Exception {
        final RedisServer master = redis.start();
        try (Router router = Router.start(config(master, "proto-max-bulk-len 1kb\n"), CrossShardPolicy.LOG)) {
            final RedisServer a = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portA));
            a.awaitReplicaInSync(20_000);
            master.call("SET", "a:small", "1");
            master.call("SET", "a:big", random(3000, 3));
            Await.until("the link to stop", () -> router.upstream().state() == UpstreamLink.State.STOPPED, 20_000);
            assertTrue(router.upstream().lastError().contains("the master's stream cannot be read at offset ")
                && router.upstream().lastError().contains("bulk length=3000") && router.upstream().lastError().contains("(proto-max-bulk-len is 1024)"),
                router.upstream().lastError());
            Await.until("the write before it", () -> "1".equals(get(a, "a:small")));
        }
    }

    @Test
    void shouldReplicateATransactionOf17000KeysToOneShardWhole() throws Exception {
        final RedisServer master = redis.start();
        try (Router router = Router.start(config(master, ""), CrossShardPolicy.LOG)) {
            final RedisServer a = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portA));
            a.awaitReplicaInSync(20_000);
            final byte[] value = random(1024, 1);
            try (RedisClient c = master.client()) {
                final List<Object[]> tx = new ArrayList<>();
                tx.add(new Object[] {"MULTI"});
                for (int i = 0; i < 17_000; i++) {
                    tx.add(new Object[] {"SET", "a:k" + i, value});
                }
                tx.add(new Object[] {"EXEC"});
                c.pipeline(tx);
                c.call("INCR", "a:after");
            }
            Await.until("the INCR after the transaction", () -> "1".equals(get(a, "a:after")), 60_000);
            try (RedisClient c = a.client(); RedisClient m = master.client()) {
                assertEquals(m.callLong("DBSIZE"), c.callLong("DBSIZE"));
                assertEquals(17_001, c.callLong("DBSIZE"));
                assertEquals(digest(master, "a:k16999"), digest(a, "a:k16999"));
            }
            assertEquals(1, router.shards().get(0).writer().pieceEntries(), "the transaction was journaled in pieces");
        }
    }

    /** The first line a virtual master answers to {@code PSYNC replid offset}. */
    private static String psync(int port, String replid, long offset) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            final OutputStream out = s.getOutputStream();
            out.write(("PSYNC " + replid + " " + offset + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = s.getInputStream();
            final StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\r') {
                if (b != '\n') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }

    @Test
    void shouldContinueOnlyAtTheBoundariesOfAnEntryInPiecesAndResumeAReplicaCutInsideOne() throws Exception {
        final RedisServer master = redis.start();
        try (Router router = Router.start(config(master, ""), CrossShardPolicy.LOG)) {
            final RedisServer a = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portA));
            a.awaitReplicaInSync(20_000);
            final ShardRuntime shard = router.shards().get(0);
            master.call("INCR", "a:counter");
            Await.until("the INCR on shard a", () -> "1".equals(get(a, "a:counter")));
            // the replica stops reading: the router's stream to it stops inside the next big entry
            a.pause();
            final long start = shard.journal().endOffset();
            try (RedisClient c = master.client()) {
                c.call("SET", "a:big", random(30_000_000, 30));
                c.call("INCR", "a:counter");
            }
            // the SET and the INCR after it: the last piece must be the INCR's, whole
            // two entries ended: the SET's last piece, then the INCR (the SET's last piece alone is whole too,
            // and under load the INCR arrives later)
            Await.until("the big SET and the INCR after it journaled", () -> shard.journal().endOffset() > start + 30_000_000
                && entriesEnded(shard, start) >= 2);
            final long end = shard.journal().endOffset();
            // the journal's pieces and where a PSYNC may continue (a replica's PSYNC offset is the next byte it wants: +1)
            final List<long[]> pieces = new ArrayList<>();
            try (JournalReader reader = shard.journal().reader()) {
                assertEquals(SeekResult.BOUNDARY, reader.seek(start));
                final JournalEntry entry = new JournalEntry();
                while (reader.nextPiece(entry)) {
                    pieces.add(new long[] {entry.startOffset(), entry.endOffset(), entry.flags()});
                }
            }
            assertTrue(pieces.size() >= 8, "a 30 MB SET in 4 MiB pieces, then the INCR: " + pieces.size());
            assertEquals(start, pieces.get(0)[0]);
            for (int i = 0; i < pieces.size() - 2; i++) {
                assertTrue((pieces.get(i)[2] & JournalEntryDescriptor.FLAG_CONTINUED) != 0);
                final String reply = psync(portA, shard.replid(), pieces.get(i)[1] + 1);
                assertTrue(reply.startsWith("+FULLRESYNC"), "PSYNC at the end of piece " + i + ": " + reply);
            }
            final String atStart = psync(portA, shard.replid(), start + 1);
            assertTrue(atStart.startsWith("+CONTINUE"), "at the SET's start: " + atStart);
            final String afterSet = psync(portA, shard.replid(), pieces.get(pieces.size() - 2)[1] + 1);
            assertTrue(afterSet.startsWith("+CONTINUE"), "after the SET: " + afterSet + " (pieces " + pieces.size() + ", last two "
                + java.util.Arrays.toString(pieces.get(pieces.size() - 2)) + " " + java.util.Arrays.toString(pieces.get(pieces.size() - 1)) + ")");
            final String atEnd = psync(portA, shard.replid(), end + 1);
            assertTrue(atEnd.startsWith("+CONTINUE"), "at the end: " + atEnd);

            // the probes' sessions count their full resyncs once their snapshot is sent: let them end first
            Await.until("the probes' sessions to end", () -> router.replicas(0).size() == 1);
            // cut the paused replica's link while the router is inside the entry; it must continue at the entry's start
            final long partialBefore = shard.partialResyncs();
            final long fullBefore = shard.fullResyncs();
            assertEquals(1, router.listener(0).disconnect("127.0.0.1:" + a.port()));
            a.resume();
            Await.until("the INCR after the big SET", () -> "2".equals(get(a, "a:counter")), 60_000);
            assertEquals(30_000_000, strlen(a, "a:big"));
            assertEquals(digest(master, "a:big"), digest(a, "a:big"));
            assertEquals(fullBefore, shard.fullResyncs(), "no full resync of the replica");
            assertTrue(shard.partialResyncs() > partialBefore);
            master.call("INCR", "a:counter");
            Await.until("replication goes on", () -> "3".equals(get(a, "a:counter")));
        }
    }

    /** How many entries end in the journal from {@code start} on: pieces that no more of the same entry follow. */
    private static int entriesEnded(ShardRuntime shard, long start) {
        try (JournalReader reader = shard.journal().reader()) {
            reader.seek(start);
            final JournalEntry entry = new JournalEntry();
            int ended = 0;
            while (reader.nextPiece(entry)) {
                if ((entry.flags() & JournalEntryDescriptor.FLAG_CONTINUED) == 0) {
                    ended++;
                }
            }
            return ended;
        }
    }

    @Test
    void shouldGiveRdbOnlyClientsTheSnapshotOnlyWhileItIsCurrent() throws Exception {
        final RedisServer master = redis.start();
        master.call("SET", "a:1", "one");
        try (Router router = Router.start(config(master, ""), CrossShardPolicy.LOG)) {
            final ShardRuntime shard = router.shards().get(0);
            Await.until("the first snapshot", () -> shard.snapshotOffset() >= 0);
            final Path rdb = dir.resolve("a.rdb");
            final Process fresh = new ProcessBuilder("redis-cli", "-p", Integer.toString(portA), "--rdb", rdb.toString())
                .redirectErrorStream(true).start();
            final String freshOut = new String(fresh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, fresh.waitFor(), freshOut);
            assertEquals(Files.size(shard.snapshot()), Files.size(rdb), freshOut);
            master.call("SET", "b:1", "other shard"); // shard a's snapshot is still current
            master.call("SET", "a:2", "two");
            Await.until("the write journaled", () -> shard.journal().endOffset() > shard.snapshotOffset());
            final Process stale = new ProcessBuilder("redis-cli", "-p", Integer.toString(portA), "--rdb", dir.resolve("stale.rdb").toString())
                .redirectErrorStream(true).start();
            final String staleOut = new String(stale.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, stale.waitFor(), staleOut);
            assertTrue(staleOut.contains("-ERR shard a snapshot is at offset " + shard.snapshotOffset() + " but its journal holds writes from offset "
                + shard.snapshotOffset() + " to " + shard.journal().endOffset() + ": an RDB of the snapshot would be stale"), staleOut);
            assertTrue(Files.notExists(dir.resolve("stale.rdb")) || Files.size(dir.resolve("stale.rdb")) == 0, staleOut);
        }
    }
}
