package io.redisreplica.router.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.Router;
import io.redisreplica.router.TestJars;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** Event sinks with real servers: a user sink from a jar built here, and a Redis stream sink. */
class EventSinkIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    /** A user sink: appends "shard event key command args" lines to {@code file=}; fails while {@code fail=} exists. */
    private static final String FILE_SINK = """
        package test.sinks;

        import java.nio.charset.StandardCharsets;
        import java.nio.file.*;
        import java.util.*;
        import io.redisreplica.api.*;

        public class FileSink implements EventSink {
            private Path file;
            private Path fail;
            private String shard;

            @Override
            public void open(String shard, Map<String, String> options) {
                this.shard = shard;
                this.file = Path.of(options.get("file"));
                this.fail = Path.of(options.get("fail"));
            }

            @Override
            public void deliver(List<KeyEvent> events) throws Exception {
                if (Files.exists(fail)) {
                    throw new IllegalStateException("the service is down");
                }
                StringBuilder sb = new StringBuilder();
                for (KeyEvent e : events) {
                    sb.append(shard).append(' ').append(e.typeName()).append(' ').append(e.keyString()).append(' ').append(e.command());
                    for (byte[] a : e.args()) {
                        sb.append(' ').append(new String(a, StandardCharsets.UTF_8));
                    }
                    sb.append('\\n');
                }
                Files.writeString(file, sb, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
        """;

    private Path buildSinkJar() throws Exception {
        return TestJars.build(dir, "test.sinks.FileSink", FILE_SINK, io.redisreplica.api.EventSink.class);
    }

    @Test
    void shouldDeliverEveryEventToAUserSinkFromAJarPausingWhileItFailsAndRepeatingNothing() throws Exception {
        final Path jar = buildSinkJar();
        final Path events = dir.resolve("events.txt");
        final Path fail = dir.resolve("fail");
        final RedisServer master = redis.start();
        final int admin = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nadmin 127.0.0.1:" + admin + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\nshard b 127.0.0.1:"
            + FreePort.find() + " prefix=b:\nsink files class=test.sinks.FileSink jar=" + jar + " file=" + events + " fail=" + fail
            + " shards=a values=yes batch=3\n", "test");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("streaming", () -> router.upstream().state() == UpstreamLink.State.STREAMING);
            master.call("SET", "a:1", "one");
            master.call("HSET", "a:h", "f", "v");
            master.call("SET", "b:1", "not this shard");
            master.call("EXPIRE", "a:1", "100");
            Await.until("the first events", () -> lines(events).size() == 3);
            Files.createFile(fail); // the service goes down: the sink pauses, the journal keeps the events
            master.call("RENAME", "a:h", "a:g");
            master.call("MSET", "a:2", "two", "b:2", "x", "a:3", "three");
            master.call("DEL", "a:2", "a:3");
            Await.until("the sink to pause", () -> info(admin).contains("sink_files_a:state=paused"));
            assertTrue(info(admin).contains("last_error=the service is down"), info(admin));
            Files.delete(fail);
            master.call("FLUSHDB");
            Await.until("every event", () -> lines(events).size() == 10);
            final List<String> got = new java.util.ArrayList<>(lines(events));
            // the master propagates EXPIRE as PEXPIREAT with the absolute time
            assertTrue(got.get(2).matches("a expire a:1 PEXPIREAT \\d{13}"), got.get(2));
            got.set(2, "a expire a:1 PEXPIREAT");
            assertEquals(List.of("a write a:1 SET one", "a write a:h HSET f v", "a expire a:1 PEXPIREAT",
                "a del a:h RENAME", "a write a:g RENAME", "a write a:2 MSET two", "a write a:3 MSET three", "a del a:2 DEL",
                "a del a:3 DEL", "a flush null FLUSHDB"), got);
            Await.until("the sink to run again", () -> info(admin).contains("sink_files_a:state=running"));
        }
        // a restart goes on after what was delivered: nothing twice
        master.call("SET", "a:after", "restart");
        try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
            Await.until("the event after the restart", () -> lines(events).size() == 11);
            Thread.sleep(500);
            assertEquals("a write a:after SET restart", lines(events).get(10));
            assertEquals(11, lines(events).size(), "nothing delivered twice");
        }
    }

    @Test
    void shouldPublishEventsAsJsonAndRunACommandTemplatePerEvent() throws Exception {
        final RedisServer master = redis.start();
        final RedisServer target = redis.start();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\n"
            + "sink changes publish 127.0.0.1:" + target.port() + " key-events values=yes\n"
            + "sink touched command 127.0.0.1:" + target.port() + " SADD touched:{db}:{event} {key}\n", "test");
        try (RedisClient subscriber = target.client(); Router router = Router.start(config, CrossShardPolicy.LOG)) {
            subscriber.send("SUBSCRIBE", "key-events");
            subscriber.read(); // the subscription's confirmation
            Await.until("streaming", () -> router.upstream().state() == UpstreamLink.State.STREAMING);
            master.call("SET", "a:\"quoted\"", "v");
            master.call("DEL", "a:\"quoted\"");
            assertEquals("{\"event\":\"write\",\"shard\":\"a\",\"db\":0,\"offset\":" + offsetOfMessage(subscriber)
                + ",\"command\":\"SET\",\"key\":\"a:\\\"quoted\\\"\",\"args\":[\"v\"]}", lastMessage);
            offsetOfMessage(subscriber);
            assertTrue(lastMessage.startsWith("{\"event\":\"del\""), lastMessage);
            try (RedisClient c = target.client()) {
                Await.until("the command sink", () -> c.callLong("SCARD", "touched:0:del") == 1);
                assertEquals(1, c.callLong("SISMEMBER", "touched:0:write", "a:\"quoted\""));
            }
        }
    }

    @Test
    void shouldDeleteTheKeyIndexesNoConfiguredSinkReadsAnyMoreAtStart() throws Exception {
        final RedisServer master = redis.start();
        final RedisServer target = redis.start();
        final String head = "upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\n";
        final String kept = "sink kept xadd 127.0.0.1:" + target.port() + " kept kinds=add,del\n";
        final Path sinks = dir.resolve("journal").resolve("sinks");
        try (Router router = Router.start(ConfigParser.parse(head + kept
                + "sink removed xadd 127.0.0.1:" + target.port() + " removed kinds=add\n"
                + "sink plain xadd 127.0.0.1:" + target.port() + " plain kinds=del\n", "test"), CrossShardPolicy.LOG)) {
            Await.until("streaming", () -> router.upstream().state() == UpstreamLink.State.STREAMING);
        }
        for (String sink : List.of("kept", "removed", "plain")) {
            assertTrue(Files.isDirectory(sinks.resolve(sink).resolve("a.index")), sink + "'s key index made");
        }
        // the second start: "removed" is gone from the config, "plain" no longer asks for kinds
        try (Router router = Router.start(ConfigParser.parse(head + kept
                + "sink plain xadd 127.0.0.1:" + target.port() + " plain\n", "test"), CrossShardPolicy.LOG)) {
            Await.until("streaming", () -> router.upstream().state() == UpstreamLink.State.STREAMING);
            assertTrue(Files.isDirectory(sinks.resolve("kept").resolve("a.index")), "the index a sink still reads is kept");
            assertTrue(!Files.exists(sinks.resolve("removed").resolve("a.index")), "a removed sink's index is deleted");
            assertTrue(!Files.exists(sinks.resolve("plain").resolve("a.index")), "the index of a sink without kinds= is deleted");
        }
    }

    private String lastMessage;

    /** Reads the next published message into {@link #lastMessage}; returns its "offset" field. */
    private long offsetOfMessage(RedisClient subscriber) {
        final List<?> message = (List<?>) subscriber.read();
        lastMessage = new String((byte[]) message.get(2), StandardCharsets.UTF_8);
        final int at = lastMessage.indexOf("\"offset\":") + 9;
        return Long.parseLong(lastMessage.substring(at, lastMessage.indexOf(',', at)));
    }

    @Test
    void shouldRefuseASinkClassTheJarDoesNotProvide() throws Exception {
        final Path jar = buildSinkJar();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:1\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\nsink s class=test.sinks.Nope jar=" + jar + "\n", "test");
        final IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> Router.start(config, CrossShardPolicy.LOG).close());
        assertEquals("sink s: no EventSink test.sinks.Nope in " + jar
            + " (META-INF/services/io.redisreplica.api.EventSink lists [test.sinks.FileSink])", e.getMessage());
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String info(int admin) {
        try (RedisClient c = new RedisClient("127.0.0.1", admin)) {
            return c.callString("INFO", "sinks");
        }
    }

}
