package io.redisreplica.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
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

import io.redisreplica.testkit.RdbCorpus;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.RedisServers;

/** RDBs written by real servers, split, and loaded back into real servers. */
class RdbSplitIntegrationTest {
    private static final int SHARDS = 3;

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldSplitRdbOfRedis28IntoShardsThatLoadBack() throws Exception {
        splitAndCompare(RedisBinary.bundled("2.8.19"));
    }

    @Test
    void shouldSplitRdbOfRedis62IntoShardsThatLoadBack() throws Exception {
        splitAndCompare(RedisBinary.bundled("6.2.7"));
    }

    @Test
    void shouldSplitRdbOfRedis70IntoShardsThatLoadBack() throws Exception {
        splitAndCompare(RedisBinary.local());
    }

    /** Every encoding the version writes, in two dbs; split in 3; each shard server must hold exactly its keys, DUMP-equal. */
    private void splitAndCompare(RedisBinary binary) throws Exception {
        final RedisServer master = redis.start(binary);
        populate(master, binary);
        final Path rdb = master.save();
        final DecodedValues decoded = new DecodedValues();
        try (InputStream in = Files.newInputStream(rdb)) {
            new RdbReader().read(in, decoded);
        }
        final List<Path> shardFiles = new ArrayList<>();
        final List<RdbWriter> writers = new ArrayList<>();
        final List<OutputStream> streams = new ArrayList<>();
        // as rdb split writes them: buffered, each shard's CRC and writes on a second thread (small buffers: many hand-overs)
        final java.util.concurrent.ExecutorService writes = java.util.concurrent.Executors.newSingleThreadExecutor();
        final SplitResult result;
        try {
            for (int i = 0; i < SHARDS; i++) {
                shardFiles.add(dir.resolve(binary.version() + "-shard" + i + ".rdb"));
                streams.add(Files.newOutputStream(shardFiles.get(i)));
                writers.add(new RdbWriter(streams.get(i), 4096, writes));
            }
            try (InputStream in = Files.newInputStream(rdb)) {
                result = new RdbSplitter().split(in, writers, RdbSplitterTest.bySum(SHARDS));
            }
            for (OutputStream s : streams) {
                s.close();
            }
        } finally {
            writes.shutdownNow();
        }
        assertEquals(binary.rdbVersion(), result.header().version());
        final List<RedisServer> shards = new ArrayList<>();
        for (Path file : shardFiles) {
            shards.add(redis.startWithRdb(binary, file));
        }
        // every key on its shard and nowhere else, type, value and TTL equal to the master's
        DatasetComparison.of(master, shards, (db, key) -> RdbSplitterTest.bySum(SHARDS).shardOf(db, key, key.length))
            .assertEqual(binary + " RDB split in " + SHARDS);
        long compared = 0;
        for (int db : new int[] {0, 1}) {
            try (RedisClient m = master.client()) {
                m.call("SELECT", db);
                @SuppressWarnings("unchecked")
                final List<Object> keys = (List<Object>) m.call("KEYS", "*");
                for (Object k : keys) {
                    final byte[] key = (byte[]) k;
                    final String name = new String(key, StandardCharsets.UTF_8);
                    assertEquals(serverValue(m, key), decoded.values.get(DecodedValues.key(db, name)),
                        binary + ": decoded value of db " + db + " key " + name);
                    compared++;
                }
            }
        }
        assertTrue(compared > 30, "compared " + compared);
    }

    /** A key's value read from a live server, in the shape {@link DecodedValues} gives. */
    private static Object serverValue(RedisClient c, byte[] key) {
        final String type = c.callString("TYPE", key);
        switch (type) {
            case "string":
                return c.callString("GET", key);
            case "list":
                return strings(c.call("LRANGE", key, 0, -1));
            case "set": {
                final List<String> members = strings(c.call("SMEMBERS", key));
                members.sort(null);
                return members;
            }
            case "hash": {
                final List<String> kv = strings(c.call("HGETALL", key));
                final Map<String, String> map = new java.util.TreeMap<>();
                for (int i = 0; i < kv.size(); i += 2) {
                    map.put(kv.get(i), kv.get(i + 1));
                }
                return map;
            }
            case "zset": {
                final List<String> kv = strings(c.call("ZRANGE", key, 0, -1, "WITHSCORES"));
                final Map<String, Double> map = new java.util.TreeMap<>();
                for (int i = 0; i < kv.size(); i += 2) {
                    map.put(kv.get(i), Double.parseDouble(kv.get(i + 1)));
                }
                return map;
            }
            case "stream": {
                final List<String> entries = new ArrayList<>();
                for (Object e : (List<?>) c.call("XRANGE", key, "-", "+")) {
                    final List<?> pair = (List<?>) e;
                    final StringBuilder sb = new StringBuilder(new String((byte[]) pair.get(0), StandardCharsets.UTF_8));
                    for (String f : strings(pair.get(1))) {
                        sb.append(' ').append(f);
                    }
                    entries.add(sb.toString());
                }
                return entries;
            }
            default:
                throw new IllegalStateException("type " + type);
        }
    }

    private static List<String> strings(Object reply) {
        final List<String> out = new ArrayList<>();
        for (Object o : (List<?>) reply) {
            out.add(new String((byte[]) o, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void populate(RedisServer master, RedisBinary binary) {
        final Random random = new Random(1);
        try (RedisClient c = master.client()) {
            final List<Object[]> cmds = new ArrayList<>();
            cmds.add(new Object[] {"SET", "int", "12345"});
            cmds.add(new Object[] {"SET", "compressible", "a".repeat(5000)});
            final byte[] big = new byte[3 * 1024 * 1024];
            random.nextBytes(big);
            cmds.add(new Object[] {"SET", "big-random", big});
            cmds.add(new Object[] {"SET", "expiring", "soon"});
            cmds.add(new Object[] {"PEXPIRE", "expiring", 3_600_000});
            for (int i = 0; i < 20; i++) {
                cmds.add(new Object[] {"SET", "k" + i, "v" + i});
            }
            cmds.add(new Object[] {"RPUSH", "list-small", "a", "b", "1", "2"});
            for (int i = 0; i < 300; i++) {
                cmds.add(new Object[] {"RPUSH", "list-large", "element-" + i});
                cmds.add(new Object[] {"SADD", "set-intset-large", i});
                cmds.add(new Object[] {"SADD", "set-strings-large", "member-" + i});
                cmds.add(new Object[] {"ZADD", "zset-large", i * 1.5, "m" + i});
                cmds.add(new Object[] {"HSET", "hash-large", "field" + i, "value" + i});
            }
            for (int i = 0; i < 3000; i++) {
                cmds.add(new Object[] {"RPUSH", "list-many-nodes", "item-" + i}); // several quicklist nodes
            }
            cmds.add(new Object[] {"SADD", "set-intset", 1, 2, 3});
            cmds.add(new Object[] {"SADD", "set-small", "x", "y"});
            cmds.add(new Object[] {"ZADD", "zset-small", 1, "a", 2.5, "b"});
            cmds.add(new Object[] {"HSET", "hash-small", "f", "v"});
            cmds.add(new Object[] {"HSET", "hash-big-value", "f", "x".repeat(200)});
            cmds.add(new Object[] {"RPUSH", "list-compressible", "b".repeat(3000), "c".repeat(3000)});
            cmds.add(new Object[] {"SELECT", 1});
            cmds.add(new Object[] {"SET", "db1-key", "in db 1"});
            cmds.add(new Object[] {"RPUSH", "db1-list", "x"});
            cmds.add(new Object[] {"SELECT", 0});
            for (Object reply : c.pipeline(cmds)) {
                if (reply instanceof RedisClient.RedisErrorException e) {
                    throw e;
                }
            }
            if (binary.atLeast(5, 0)) {
                for (int i = 0; i < 30; i++) {
                    c.call("XADD", "stream", "*", "n", i);
                }
                final Object deleted = c.call("XADD", "stream", "*", "n", "to-delete");
                c.call("XADD", "stream", "*", "other", "fields", "x", "y");
                c.call("XDEL", "stream", deleted); // a deleted entry stays in the listpack, flagged
                c.call("XGROUP", "CREATE", "stream", "group", "0");
                c.call("XREADGROUP", "GROUP", "group", "alice", "COUNT", 5, "STREAMS", "stream", ">");
                c.call("XREADGROUP", "GROUP", "group", "bob", "COUNT", 3, "STREAMS", "stream", ">");
            }
        }
    }

    @Test
    void shouldLoadOneShardSplitOfCorpusFilesLikeTheOriginal() throws Exception {
        final RedisBinary server = RedisBinary.local();
        int loaded = 0;
        for (RdbCorpus.Entry file : RdbCorpus.entries()) {
            if (!file.isRdb() || !file.duplicateOf().isEmpty() || RdbCorpusTest.NEGATIVE.containsKey(file.path())
                || file.note().contains("module") || Integer.parseInt(file.rdbVersion()) > server.rdbVersion()) {
                continue;
            }
            final RedisServer original;
            try {
                original = redis.startWithRdb(server, file.file());
            } catch (IllegalStateException notLoadable) {
                continue; // Redis itself refuses this file (pre-GA functions, corrupt blobs): nothing to compare
            }
            final Path split = dir.resolve("one-shard.rdb");
            try (InputStream in = Files.newInputStream(file.file());
                 OutputStream out = new BufferedOutputStream(Files.newOutputStream(split))) {
                new RdbSplitter().split(in, List.of(new RdbWriter(out)), (db, key, len) -> 0);
            }
            final RedisServer copy = redis.startWithRdb(server, split);
            DatasetComparison.of(original, List.of(copy), key -> 0).assertEqual(file.path() + " through a one-shard split");
            original.close();
            copy.close();
            loaded++;
        }
        assertTrue(loaded >= 20, "corpus files compared through a real server: " + loaded);
    }

    @Test
    void shouldSplitDisklessAndDiskTransfersStraightFromTheReplicationLink() throws Exception {
        for (boolean diskless : new boolean[] {true, false}) {
            final RedisServer master = redis.start(RedisBinary.local(),
                Map.of("repl-diskless-sync", diskless ? "yes" : "no"));
            for (int i = 0; i < 200; i++) {
                master.call("SET", "key:" + i, "value:" + i);
            }
            try (Socket socket = new Socket(master.host(), master.port())) {
                socket.setSoTimeout(20_000);
                final OutputStream out = socket.getOutputStream();
                final InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
                out.write("REPLCONF capa eof capa psync2\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("+OK", readLine(in)); // PSYNC with a reply still pending is refused
                out.write("PSYNC ? -1\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertTrue(readLine(in).startsWith("+FULLRESYNC "));
                final List<java.io.ByteArrayOutputStream> buffers = List.of(new java.io.ByteArrayOutputStream(),
                    new java.io.ByteArrayOutputStream());
                final RdbSplitter.TransferSplit split = new RdbSplitter().splitTransfer(in,
                    List.of(new RdbWriter(buffers.get(0)), new RdbWriter(buffers.get(1))), RdbSplitterTest.bySum(2), null, null);
                assertEquals(diskless, split.transfer().diskless());
                assertEquals(200, split.result().totalKeys());
                assertEquals(200, EntryDigests.of(buffers.get(0).toByteArray()).size()
                    + EntryDigests.of(buffers.get(1).toByteArray()).size());
                // after a diskless transfer the master streams commands only once an ACK reaches it after
                // it marked the replica online; an early ACK is ignored, so ACK every second as replicas do
                master.call("SET", "after", "sync");
                socket.setSoTimeout(1000);
                final String stream = readUntilAcking(split.commands(), out, "after");
                assertTrue(stream.contains("SET") || stream.contains("set"), stream);
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        final StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != '\r') {
            if (b == '\n' && sb.length() == 0) {
                continue; // keep-alive
            }
            sb.append((char) b);
        }
        in.read();
        return sb.toString();
    }

    /** Reads until {@code needle} shows, sending REPLCONF ACK 0 every second meanwhile (20 s at most). */
    private static String readUntilAcking(InputStream in, OutputStream out, String needle) throws IOException {
        final StringBuilder sb = new StringBuilder();
        final long deadline = System.currentTimeMillis() + 20_000;
        while (!sb.toString().contains(needle) && System.currentTimeMillis() < deadline) {
            out.write("*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$1\r\n0\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                while (!sb.toString().contains(needle)) {
                    final int b = in.read();
                    if (b < 0) {
                        return sb.toString();
                    }
                    sb.append((char) b);
                }
            } catch (java.net.SocketTimeoutException quiet) {
                // nothing yet: ACK again
            }
        }
        return sb.toString();
    }
}
