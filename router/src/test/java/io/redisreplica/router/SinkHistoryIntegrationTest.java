package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.sinks.SinkRunner;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Issue 12: a sink's recorded position carries the journal's history, so a journal damaged at
 * start is never misread through it. Cut back and journaled again, the sink goes on by upstream
 * offset and delivers every command once; set aside and made anew, the sink goes on at the
 * shard's new snapshot with the gap logged and counted, instead of failing until it is dropped or
 * skipping what the new journal holds.
 */
class SinkHistoryIntegrationTest {
    private static final String MARKER = "the-last-entry-of-shard-a";

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private RouterConfig config(RedisServer master, RedisServer target) {
        return ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal") + "\nshard a 127.0.0.1:"
            + FreePort.find() + " regex=^a\nsink audit xadd 127.0.0.1:" + target.port() + " events values=yes\n", "test");
    }

    @Test
    void shouldGoOnAtTheNewSnapshotWithOneLoggedGapWhenTheJournalWasSetAside() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "64mb"));
        final RedisServer target = redis.start();
        final RouterConfig config = config(master, target);
        try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
            Await.until("streaming", () -> router.upstream().state() == UpstreamLink.State.STREAMING); // writes after the snapshot are events
            writes(master, 0, 10_000);
            awaitDelivered(router, master);
        }
        try (RandomAccessFile f = new RandomAccessFile(lastCq4().toFile(), "rw")) {
            f.setLength(300 * 1024); // most of the entries are gone: the journal is set aside
        }
        try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
            assertEquals(1, router.journalsSetAside());
            Await.until("the new snapshot", () -> router.upstream().state() == UpstreamLink.State.STREAMING
                && router.shards().get(0).snapshotOffset() >= 0, 30_000);
            master.call("RPUSH", "a:seq", "after");
            final SinkRunner sink = router.sinks().get(0);
            Await.until("the event after the set-aside", () -> argsOf(target, "a:seq").contains("after"), 30_000);
            assertEquals(1, sink.gaps(), "the gap is counted once");
            assertEquals(SinkRunner.State.RUNNING, sink.state());
            assertEquals(0, sink.failures());
            final String recorded = target.client().callString("GET", config.sinks().get(0).checkpointKey("a"));
            assertTrue(recorded.contains(" " + router.shards().get(0).journal().history().currentId() + " "),
                "recorded on the new journal's line: " + recorded);
        }
    }

    /**
     * The sink delivers everything, the marker last; the router's checkpoint goes back to before
     * the marker (as after a kill -9), and the marker's entry is damaged: the journal is cut back
     * before it and the master's stream brings the marker again. The sink had it: delivered once.
     */
    @Test
    void shouldDeliverEveryCommandOnceAcrossAJournalCutBackBehindTheSink() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "64mb"));
        final RedisServer target = redis.start();
        final RouterConfig config = config(master, target);
        final byte[] checkpointBefore;
        try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
            Await.until("streaming", () -> router.upstream().state() == UpstreamLink.State.STREAMING); // writes after the snapshot are events
            writes(master, 0, 2_000);
            awaitDelivered(router, master);
            Await.until("a checkpoint that saw all of it", () -> router.checkpoint().shards().get("a").journalEnd()
                >= router.shards().get(0).journal().endOffset() && router.checkpoint().upstreamOffset() >= master.replicationOffset(),
                10_000);
            checkpointBefore = Files.readAllBytes(dir.resolve("journal").resolve("checkpoint"));
            writes(master, 2_000, 4_000);
            master.call("RPUSH", "a:seq", MARKER);
            awaitDelivered(router, master);
        }
        Files.write(dir.resolve("journal").resolve("checkpoint"), checkpointBefore);
        final Path cq4 = lastCq4();
        final long marker = io.redisreplica.testkit.FileBytes.last(cq4, MARKER);
        try (RandomAccessFile f = new RandomAccessFile(cq4.toFile(), "rw")) {
            f.setLength(marker + 3); // cut short inside the marker's entry
        }
        for (int i = 0; i < 100; i++) {
            master.call("INCR", "a:counter:" + (i % 10));
        }
        try (Router router = Router.start(config, CrossShardPolicy.TRANSLATE)) {
            assertEquals(1, router.journalTailsCut(), "the damaged tail was cut back");
            master.call("RPUSH", "a:seq", "after");
            Await.until("the event after the restart", () -> argsOf(target, "a:seq").contains("after"), 30_000);
            final SinkRunner sink = router.sinks().get(0);
            assertEquals(0, sink.gaps());
            final List<String> expected = new ArrayList<>();
            for (int i = 0; i < 4_000; i++) {
                expected.add(Integer.toString(i));
            }
            expected.add(MARKER);
            expected.add("after");
            final List<String> got = argsOf(target, "a:seq");
            assertTrue(expected.equals(got), "every RPUSH delivered once, in order: " + difference(expected, got));
            final Map<String, Integer> incrs = counts(target, "a:counter:");
            assertEquals(4_100, incrs.values().stream().mapToInt(Integer::intValue).sum(), "every INCR once: " + incrs);
        }
    }

    /** Where two lists part, briefly (they hold thousands of items). */
    private static String difference(List<String> expected, List<String> got) {
        int i = 0;
        while (i < expected.size() && i < got.size() && expected.get(i).equals(got.get(i))) {
            i++;
        }
        return "sizes " + expected.size() + " and " + got.size() + ", first difference at " + i + ": expected "
            + expected.subList(i, Math.min(expected.size(), i + 5)) + ", got " + got.subList(i, Math.min(got.size(), i + 5));
    }

    /** INCR counters and RPUSH sequences: a lost or repeated command shows. */
    private static void writes(RedisServer master, int from, int to) {
        for (int i = from; i < to; i++) {
            master.call("INCR", "a:counter:" + (i % 10));
            master.call("RPUSH", "a:seq", i);
        }
    }

    private static void awaitDelivered(Router router, RedisServer master) {
        Await.until("the journal to hold every write", () -> router.upstream().offset() >= master.replicationOffset(), 30_000);
        final long end = router.shards().get(0).journal().endOffset();
        Await.until("the sink to deliver all of it", () -> router.sinks().get(0).delivered() >= end, 30_000);
    }

    /** The first argument of each event of {@code key} in the target's stream, in order. */
    private static List<String> argsOf(RedisServer target, String key) {
        final List<String> args = new ArrayList<>();
        for (Map<String, String> e : events(target)) {
            if (key.equals(e.get("key"))) {
                args.add(e.get("arg0"));
            }
        }
        return args;
    }

    /** Events per key among the keys starting with {@code prefix}. */
    private static Map<String, Integer> counts(RedisServer target, String prefix) {
        final Map<String, Integer> counts = new HashMap<>();
        for (Map<String, String> e : events(target)) {
            if (e.get("key") != null && e.get("key").startsWith(prefix)) {
                counts.merge(e.get("key"), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static List<Map<String, String>> events(RedisServer target) {
        final List<Map<String, String>> events = new ArrayList<>();
        for (Object entry : (List<?>) target.call("XRANGE", "events", "-", "+")) {
            final List<?> fields = (List<?>) ((List<?>) entry).get(1);
            final Map<String, String> e = new HashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                e.put(text(fields.get(i)), text(fields.get(i + 1)));
            }
            events.add(e);
        }
        return events;
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private Path lastCq4() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("journal").resolve("a"))) {
            final List<Path> all = files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
            return all.get(all.size() - 1);
        }
    }
}
