package io.redisreplica.router.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalWriter;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.server.GrowingSnapshot;
import io.redisreplica.server.ReplicationServer;
import io.redisreplica.server.ServerContext;
import io.redisreplica.server.Snapshot;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * A shard served by the server API's {@code ReplicationServer} over its {@link ShardSource}, to
 * real replicas: its snapshot and journal, a partial resync, and its next snapshot streamed as it
 * is split while the replicas of the old epoch resync from it.
 */
class ShardSourceIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;
    private Journal journal;
    private ShardRuntime shard;
    private JournalWriter writer;

    @BeforeEach
    void shard() {
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:1\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:2 prefix=a:\n", "test");
        journal = Journal.open(config.journalContext());
        final ShardJournal sj = journal.shard("a");
        writer = sj.writer(0);
        shard = new ShardRuntime(config.shardMap().shards().get(0), sj, writer, dir, null);
    }

    @AfterEach
    void close() {
        journal.close();
    }

    private void set(String key, String value) {
        final String resp = "*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + value.length() + "\r\n" + value + "\r\n";
        writer.append(0, 0, 0, resp.getBytes(StandardCharsets.US_ASCII));
        writer.commit();
    }

    /** An RDB with {@code keys} keys {@code a:<prefix>:i}. */
    private static byte[] rdb(String prefix, int keys) {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new BufferedOutputStream(bytes)) {
            final RdbWriter rdb = new RdbWriter(out);
            rdb.header(9);
            rdb.selectDb(0);
            for (int i = 0; i < keys; i++) {
                rdb.stringEntry(("a:" + prefix + ":" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8), -1);
            }
            rdb.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String get(RedisServer replica, String key) {
        try (RedisClient c = replica.client()) {
            return c.callString("GET", key);
        }
    }

    @Test
    void shouldServeTheShardWithAReplicationServerAndStreamItsNextSnapshotAsItIsSplit() throws Exception {
        Files.write(shard.snapshot(), rdb("first", 100));
        shard.restore(Snapshot.newReplid(), 1, 0);
        set("a:j", "1");
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(new ShardSource(shard)).pingPeriodMillis(0))) {
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            replica.awaitReplicaInSync(30_000);
            Await.until("the snapshot and the journal after it", () -> "1".equals(get(replica, "a:j")) && "v99".equals(get(replica, "a:first:99")));
            replica.call("CLIENT", "KILL", "TYPE", "master");
            Await.until("continued from its offset", () -> server.partialResyncs() == 1, 30_000);
            set("a:j", "2");
            Await.until("the journal after it", () -> "2".equals(get(replica, "a:j")));

            // the master's next RDB, split into the shard's next snapshot: a new replica takes it as it grows
            final byte[] next = rdb("second", 20_000);
            final Path temp = dir.resolve("a.rdb.tmp");
            final GrowingSnapshot growing = shard.startSnapshot(temp, writer.endOffset());
            Files.write(temp, java.util.Arrays.copyOf(next, next.length / 2));
            growing.written(next.length / 2);
            final RedisServer late = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
            Await.until("the late replica streams the growing snapshot", () -> server.replicas().stream()
                .anyMatch(r -> r.listeningPort() == late.port() && r.state() == io.redisreplica.server.ReplicaStatus.State.FULL_SYNC), 30_000);
            try (OutputStream out = Files.newOutputStream(temp, java.nio.file.StandardOpenOption.APPEND)) {
                out.write(next, next.length / 2, next.length - next.length / 2);
            }
            shard.installSnapshot(temp, growing, next.length);
            set("a:j", "3");
            for (RedisServer r : new RedisServer[] {replica, late}) {
                Await.until("the new epoch's snapshot and the journal after it on " + r.port(),
                    () -> "3".equals(get(r, "a:j")) && "v19999".equals(get(r, "a:second:19999")), 30_000);
                assertEquals(growing.replid(), field(r, "master_replid"));
            }
            assertEquals(null, get(replica, "a:first:0"), "the old epoch's keys are gone: it resynced in full");
            Await.until("their lag sampled from the shard's commit clock", () -> server.replicas().size() == 2
                && server.replicas().stream().allMatch(r -> r.lagMillis() >= 0 && r.lagStats().count() > 0), 30_000);
        }
    }

    private static String field(RedisServer server, String name) {
        try (RedisClient c = server.client()) {
            for (String line : c.callString("INFO", "replication").split("\r\n")) {
                if (line.startsWith(name + ":")) {
                    return line.substring(name.length() + 1);
                }
            }
        }
        return "";
    }

    /**
     * A new epoch replaces the snapshot file and its identity while sessions read them: every
     * snapshot read must describe the file it opens (its replid and offset written in it here),
     * never the new file with the old offset, which would apply the journal after the old offset
     * twice on top of the new dataset.
     */
    @Test
    void shouldNeverServeOneEpochsFileWithAnothersOffset() throws Exception {
        final ShardSource source = new ShardSource(shard);
        final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        final Thread installer = new Thread(() -> {
            try {
                for (int i = 0; i < 300; i++) {
                    set("a:" + i, "v");
                    final Path temp = dir.resolve("a.rdb.tmp");
                    final GrowingSnapshot growing = shard.startSnapshot(temp, writer.endOffset());
                    final byte[] content = (growing.replid() + " " + growing.offset()).getBytes(StandardCharsets.US_ASCII);
                    Files.write(temp, content);
                    shard.installSnapshot(temp, growing, content.length);
                }
            } catch (Throwable e) {
                failed.set(e);
            } finally {
                done.set(true);
            }
        });
        installer.start();
        int checked = 0;
        while (!done.get()) {
            final Snapshot snapshot = source.snapshot();
            if (snapshot == null) {
                continue;
            }
            final String content;
            try (java.io.InputStream in = snapshot.open()) {
                content = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException newEpochSince) {
                continue; // refused: the replica would sync again
            }
            assertEquals(snapshot.replid() + " " + snapshot.offset(), content, "the file read is the epoch described");
            checked++;
        }
        installer.join();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        assertEquals(true, checked > 0, "snapshots read while epochs changed: " + checked);
    }
}
