package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.JournalWriter;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisCluster;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * {@code redis-replica replay} against real servers, SIGKILLed at points where it had made
 * progress and run again: INCR counters and RPUSHed sequences on the target must come out exact
 * (a command applied twice shows as a larger counter or a repeated element, a lost one as a
 * smaller counter or a gap).
 */
class ReplayIntegrationTest {
    private static final int ENTRIES = 3000;

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    /** Expected target state: "db key" -> counter value or list text. */
    private final Map<String, String> expected = new TreeMap<>();

    /** A journal of INCRs, RPUSHes and transactions over dbs 0 and 1 (or db 0 only for a cluster). */
    private void writeJournal(boolean twoDbs) {
        writeJournal(twoDbs, JournalContext.DEFAULT_MAX_PIECE_LENGTH);
    }

    /** @param pieceLength entries longer than this are written in pieces (a small one puts most entries in pieces) */
    private void writeJournal(boolean twoDbs, int pieceLength) {
        final Map<String, Long> counters = new HashMap<>();
        final Map<String, List<String>> lists = new HashMap<>();
        try (Journal journal = Journal.open(new JournalContext().dir(dir.resolve("journal")).minFreeBytes(0).maxPieceLength(pieceLength))) {
            final JournalWriter writer = journal.shard("a").writer(0);
            final ExpandableArrayBuffer buf = new ExpandableArrayBuffer();
            final RespWriter w = new RespWriter();
            for (int i = 0; i < ENTRIES; i++) {
                final int db = twoDbs && i % 7 == 0 ? 1 : 0;
                w.wrap(buf, 0);
                if (i % 100 == 50) { // a journaled transaction: its MULTI/EXEC are dropped, its commands kept
                    w.command("MULTI").command("INCR", "{t}x").command("INCR", "{t}y").command("EXEC");
                    counters.merge(db + " {t}x", 1L, Long::sum);
                    counters.merge(db + " {t}y", 1L, Long::sum);
                } else if (i % 3 == 0) {
                    final String key = "l:" + (i % 5);
                    w.command("RPUSH", key, Integer.toString(i));
                    lists.computeIfAbsent(db + " " + key, k -> new ArrayList<>()).add(Integer.toString(i));
                } else if (i % 500 == 7) { // two keys in different slots: a cluster replay splits it per slot
                    w.command("DEL", "c:1", "c:2");
                    counters.remove(db + " c:1");
                    counters.remove(db + " c:2");
                } else if (i % 250 == 1) {
                    w.command("SELECT", Integer.toString(db)); // as the router writes them: skipped, the entry's db rules
                } else {
                    final String key = "c:" + (i % 20);
                    w.command("INCR", key);
                    counters.merge(db + " " + key, 1L, Long::sum);
                }
                writer.append(i, db, 0, buf, 0, w.length());
            }
            writer.commit();
        }
        counters.forEach((k, v) -> expected.put(k, Long.toString(v)));
        lists.forEach((k, v) -> expected.put(k, v.toString()));
    }

    private Process replayProcess(int port) throws Exception {
        final List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-exports") || arg.startsWith("--add-opens") || arg.startsWith("-Dchronicle")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "replay",
            dir.resolve("journal").toString(), "--no-snapshot", "-s", "a", "-t", "127.0.0.1:" + port, "--batch", "7", "--quiet"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("replay.log").toFile()).start();
    }

    /** Starts the replay in its own JVM and SIGKILLs it as soon as the target shows it made progress. */
    private void killMidway(RedisServer checkpointHolder, String checkpointKey, int port) throws Exception {
        final String before = get(checkpointHolder, checkpointKey);
        final Process p = replayProcess(port);
        final long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            final String now = get(checkpointHolder, checkpointKey);
            if (now != null && !now.equals(before)) {
                break;
            }
            Thread.sleep(2);
        }
        p.destroyForcibly();
        p.waitFor();
    }

    private static String get(RedisServer server, String key) {
        try (RedisClient c = server.client()) {
            return c.callString("GET", key);
        }
    }

    @Test
    void shouldApplyEveryCommandOnceAcrossKilledAndRepeatedRuns() throws Exception {
        writeJournal(true);
        final RedisServer target = redis.start();
        for (int kill = 0; kill < 3; kill++) {
            killMidway(target, "redis-replica:replay:a", target.port());
        }
        final String recorded = get(target, "redis-replica:replay:a");
        assertTrue(recorded != null, "the killed runs made progress");
        final String partial = recorded.split(" ")[0]; // OFFSET HISTORY UPSTREAM ENTRIES
        final Cli done = Cli.run("replay", dir.resolve("journal").toString(), "--no-snapshot", "-s", "a", "-t", "127.0.0.1:" + target.port(), "--quiet");
        assertEquals(0, done.exit(), done.err());
        assertTrue(done.out().startsWith("replayed shard a offsets " + partial + ".."), done.out());
        assertEquals(expected, state(List.of(target), 2));
        final Cli again = Cli.run("replay", dir.resolve("journal").toString(), "--no-snapshot", "-s", "a", "-t", "127.0.0.1:" + target.port(), "--quiet");
        assertTrue(again.out().contains(": 0 entries"), again.out());
        assertEquals(expected, state(List.of(target), 2), "a second run applies nothing");
    }

    @Test
    void shouldReplayEntriesWrittenInPiecesWhole() throws Exception {
        writeJournal(true, 7);
        final RedisServer target = redis.start();
        final Cli done = Cli.run("replay", dir.resolve("journal").toString(), "--no-snapshot", "-s", "a", "-t", "127.0.0.1:" + target.port(), "--quiet");
        assertEquals(0, done.exit(), done.err());
        assertTrue(done.out().contains(": " + ENTRIES + " entries"), done.out());
        assertEquals(expected, state(List.of(target), 2));
    }

    @Test
    void shouldReplayExactlyOnceIntoARedisClusterWithACheckpointPerSlotAcrossKilledRuns() throws Exception {
        writeJournal(false);
        final RedisCluster cluster = RedisCluster.start(redis, 3);
        // the kills: the checkpoint of the slot of c:0, written by most batches, tells when a run made progress
        final byte[] probe = "c:0".getBytes(StandardCharsets.US_ASCII);
        final String slotCheckpoint = SlotTags.key(ClusterSlots.slot(probe, 0, probe.length), "redis-replica:replay:a");
        for (int kill = 0; kill < 3; kill++) {
            killMidway(cluster.nodes().get(cluster.nodeOf(probe)), slotCheckpoint, cluster.nodes().get(kill).port());
        }
        assertTrue(get(cluster.nodes().get(cluster.nodeOf(probe)), slotCheckpoint) != null, "the killed runs made progress");
        final Cli done = Cli.run("replay", dir.resolve("journal").toString(), "--no-snapshot", "-s", "a", "-t",
            "127.0.0.1:" + cluster.nodes().get(1).port(), "--quiet");
        assertEquals(0, done.exit(), done.err() + done.out());
        assertTrue(done.out().contains("(cluster)"), done.out());
        assertEquals(expected, state(cluster.nodes(), 1));
        assertEveryKeyOnItsNode(cluster);
    }

    @Test
    void shouldFollowASlotMigratedMidReplayToItsNewNodeAndApplyEveryCommandOnce() throws Exception {
        writeJournal(false);
        final RedisCluster cluster = RedisCluster.start(redis, 3);
        final byte[] probe = "c:0".getBytes(StandardCharsets.US_ASCII);
        final int slot = ClusterSlots.slot(probe, 0, probe.length);
        final int from = cluster.nodeOf(probe);
        final int to = (from + 1) % 3;
        final int[] batches = {0};
        final long[] movedAt = {-1};
        try (Journal journal = Journal.open(new JournalContext().dir(dir.resolve("journal")).readOnly(true).minFreeBytes(0))) {
            final ReplayEngine.Result result = new ReplayEngine(new ReplayEngine.Options(journal, "a", null, null, null, "127.0.0.1",
                cluster.nodes().get(0).port(), null, null, 7, "redis-replica:replay:a")).bodySent(reached -> {
                    if (++batches[0] == 50) { // batches in flight on the old node when the slot goes: they get MOVED
                        cluster.migrate(slot, to);
                        movedAt[0] = reached;
                    }
                }).run(new ReplayEngine.Listener() { });
            assertEquals(0, result.failedCommands());
        }
        assertTrue(batches[0] > 50, "the slot moved mid-replay");
        assertEquals(to, cluster.nodeOf(probe));
        assertEquals(expected, state(cluster.nodes(), 1));
        assertEveryKeyOnItsNode(cluster);
        final String checkpoint = get(cluster.nodes().get(to), SlotTags.key(slot, "redis-replica:replay:a"));
        assertTrue(Long.parseLong(checkpoint.split(" ")[0]) > movedAt[0], "the slot's checkpoint moved with it and went on there: "
            + checkpoint);
    }

    /** No key on a node other than the one serving its slot (a transaction applied on the node the slot left would be there). */
    private static void assertEveryKeyOnItsNode(RedisCluster cluster) {
        for (int n = 0; n < cluster.nodes().size(); n++) {
            try (RedisClient c = cluster.nodes().get(n).client()) {
                for (Object k : (List<?>) c.call("KEYS", "*")) {
                    assertEquals(n, cluster.nodeOf((byte[]) k), new String((byte[]) k, StandardCharsets.UTF_8) + " on node " + n);
                }
            }
        }
    }

    @Test
    void shouldRefuseToReplayAcrossTheStartOfANewSnapshotEpochAndStartThereByDefault() throws Exception {
        writeJournal(false);
        final long snapshot;
        try (Journal journal = Journal.open(new JournalContext().dir(dir.resolve("journal")).minFreeBytes(0))) {
            final JournalReader reader = journal.shard("a").reader();
            final JournalEntry entry = new JournalEntry();
            for (int i = 0; i < ENTRIES / 2; i++) {
                reader.next(entry);
            }
            reader.close();
            snapshot = entry.endOffset();
            journal.writeCheckpoint(journal.checkpoint().shard("a", "0123456789abcdef0123456789abcdef01234567", 2, snapshot));
        }
        final RedisServer target = redis.start();
        final String journalDir = dir.resolve("journal").toString();
        final Cli across = Cli.run("replay", journalDir, "--no-snapshot", "-s", "a", "-t", "127.0.0.1:" + target.port(), "--from", "0", "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, across.exit(), across.out() + across.err());
        assertTrue(across.err().contains("offsets 0.." + journalEnd() + " cross the start of the current snapshot epoch at offset "
            + snapshot), across.err());
        final Cli before = Cli.run("replay", journalDir, "--no-snapshot", "-s", "a", "-t", "127.0.0.1:" + target.port(), "--from", "0", "--to",
            Long.toString(snapshot), "--quiet", "--checkpoint-key", "redis-replica:replay:before");
        assertEquals(0, before.exit(), before.err());
        assertTrue(before.out().startsWith("replayed shard a offsets 0.." + snapshot + " "), before.out());
        final Cli after = Cli.run("replay", journalDir, "--no-snapshot", "-s", "a", "-t", "127.0.0.1:" + target.port(), "--quiet", "--json");
        assertEquals(0, after.exit(), after.err());
        assertTrue(after.out().contains("\"start_offset\":" + snapshot + ",\"end_offset\":" + journalEnd()), after.out());
        assertEquals(snapshot, JsonParsing.parse(after.out()).get("start_offset").asLong());
        assertEquals(expected, state(List.of(target), 1), "both halves together apply every command once");
    }

    @Test
    void shouldCatchUpADetachedReceiverFromTheOffsetTheRouterRecordedForIt() throws Exception {
        final RedisServer master = redis.start();
        final int portA = FreePort.find();
        final Path journalDir = dir.resolve("router-journal");
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + journalDir
            + "\nshard a 127.0.0.1:" + portA + " prefix=a:\nunclaimed drop\n", "test");
        final RedisServer receiver;
        final String name;
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            receiver = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portA));
            receiver.awaitReplicaInSync(20_000);
            name = "127.0.0.1:" + receiver.port();
            for (int i = 0; i < 500; i++) {
                master.call("INCR", "a:counter");
                master.call("RPUSH", "a:list", i);
                master.call("INCR", "b:elsewhere");
            }
            // the receiver fails once it has acknowledged everything: the router's checkpoint keeps where it was
            Await.until("every write journaled", () -> router.upstream().offset() >= master.replicationOffset());
            final long end = router.shards().get(0).journal().endOffset();
            Await.until("the receiver's ACK of the journal's end in the checkpoint", () -> recordedAck(router, name) == end);
            receiver.call("REPLICAOF", "NO", "ONE");
            for (int i = 500; i < 800; i++) {
                master.call("INCR", "a:counter");
                master.call("RPUSH", "a:list", i);
            }
            Await.until("the writes journaled", () -> router.upstream().offset() >= master.replicationOffset());
        }
        final Cli ls = Cli.run("journal", "ls", journalDir.toString(), "--json");
        assertTrue(ls.out().contains("\"receiver\":\"" + name + "\""), ls.out());
        final Cli replay = Cli.run("replay", journalDir.toString(), "-s", "a", "-t", "127.0.0.1:" + receiver.port(),
            "--from-receiver", name, "--quiet");
        assertEquals(0, replay.exit(), replay.err());
        assertEquals("800", get(receiver, "a:counter"), "no INCR lost or applied twice");
        try (RedisClient c = receiver.client()) {
            final List<?> items = (List<?>) c.call("LRANGE", "a:list", 0, -1);
            assertEquals(800, items.size());
            for (int i = 0; i < 800; i++) {
                assertEquals(Integer.toString(i), new String((byte[]) items.get(i), StandardCharsets.UTF_8));
            }
        }
        assertEquals(null, get(receiver, "b:elsewhere"), "only its shard's keys");
    }

    private static long recordedAck(Router router, String receiver) {
        final Checkpoint.ReceiverState r = router.checkpoint().receiver("a", receiver);
        return r == null ? -1 : r.ackedOffset();
    }

    private long journalEnd() {
        try (Journal journal = JournalCommand.open(dir.resolve("journal"))) {
            return journal.shard("a").endOffset();
        }
    }

    /** Every counter and list of the expected dbs on the servers, in the expected map's shape. */
    private static Map<String, String> state(List<RedisServer> servers, int dbs) {
        final Map<String, String> state = new TreeMap<>();
        for (RedisServer server : servers) {
            for (int db = 0; db < dbs; db++) {
                try (RedisClient c = server.client()) {
                    if (dbs > 1) {
                        c.call("SELECT", db);
                    }
                    for (Object k : (List<?>) c.call("KEYS", "*")) {
                        final String key = new String((byte[]) k, StandardCharsets.UTF_8);
                        if (key.contains("redis-replica:replay")) {
                            continue;
                        }
                        final String type = c.callString("TYPE", key);
                        if (type.equals("list")) {
                            final List<String> items = new ArrayList<>();
                            for (Object item : (List<?>) c.call("LRANGE", key, 0, -1)) {
                                items.add(new String((byte[]) item, StandardCharsets.UTF_8));
                            }
                            state.put(db + " " + key, items.toString());
                        } else {
                            state.put(db + " " + key, c.callString("GET", key));
                        }
                    }
                }
            }
        }
        return state;
    }
}
