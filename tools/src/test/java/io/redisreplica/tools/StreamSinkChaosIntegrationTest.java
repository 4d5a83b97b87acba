package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * A Redis stream sink, with the router SIGKILLed after bursts of writes, while the sink delivers
 * them (twice; {@code -Dchaos.sink.kills=N} for more, as {@code bench/soak.sh} does), and the
 * sink's target refusing it for a while: every key written on the master shows in the stream
 * exactly once.
 */
class StreamSinkChaosIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldPutEveryEventInTheStreamOnceAcrossKillNinesAndATargetThatRefusesForAWhile() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "64mb"));
        final RedisServer target = redis.start();
        final int admin = FreePort.find();
        final Path config = Files.writeString(dir.resolve("router.conf"), "upstream 127.0.0.1:" + master.port() + "\njournal "
            + dir.resolve("journal") + "\nadmin 127.0.0.1:" + admin + "\nshard s0 127.0.0.1:" + FreePort.find() + " slots=0-8191\n"
            + "shard s1 127.0.0.1:" + FreePort.find() + " slots=8192-16383\nsink events xadd 127.0.0.1:" + target.port()
            + " events batch=20\n");
        final RouterProcess routers = new RouterProcess(dir);
        // kills of the router: 2 in CI, many in bench/soak.sh; each after a burst, while the sink delivers it
        final int kills = Integer.getInteger("chaos.sink.kills", 2);
        final int burst = 400;
        final int keys = kills * (burst + 300) + 1000;
        Process router = routers.start(config);
        int written = 0;
        try {
            routers.awaitStreaming(0);
            for (int k = 0; k < kills; k++) {
                write(master, written, written += burst);
                router.destroyForcibly(); // SIGKILL while the sink delivers the burst
                router.waitFor();
                write(master, written, written += 300); // the master's backlog holds these
                router = routers.start(config);
                routers.awaitStreaming(routers.starts() - 1);
                if (k == kills / 2) {
                    // the target refuses the sink: it pauses, and the journal keeps its events
                    try (RedisClient c = target.client()) {
                        c.call("CONFIG", "SET", "requirepass", "s3cret");
                        c.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
                    }
                    write(master, written, written += 500);
                    awaitInfo(admin, "state=paused");
                    try (RedisClient c = target.client()) {
                        c.call("AUTH", "s3cret");
                        c.call("CONFIG", "SET", "requirepass", "");
                    }
                }
            }
            write(master, written, keys);
            awaitStreamLength(target, keys, routers);
            Thread.sleep(1500); // a duplicate would come after the last event: give it the time to show
            final Map<String, Integer> seen = new HashMap<>();
            try (RedisClient c = target.client()) {
                for (Object item : (List<?>) c.call("XRANGE", "events", "-", "+")) {
                    final List<?> fields = (List<?>) ((List<?>) item).get(1);
                    String key = null;
                    for (int i = 0; i < fields.size(); i += 2) {
                        if (text(fields.get(i)).equals("key")) {
                            key = text(fields.get(i + 1));
                        }
                    }
                    seen.merge(key, 1, Integer::sum);
                }
            }
            assertEquals(keys, seen.size(), "every key once");
            seen.forEach((key, times) -> assertEquals(1, times, key + " in the stream " + times + " times"));
        } finally {
            router.destroyForcibly();
        }
    }

    private static void write(RedisServer master, int from, int to) {
        try (RedisClient c = master.client()) {
            for (int i = from; i < to; i++) {
                c.call("SET", "k:" + i, Integer.toString(i));
            }
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private static void awaitInfo(int admin, String text) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + 30_000;
        String info = "";
        while (System.currentTimeMillis() < deadline) {
            try (RedisClient c = new RedisClient("127.0.0.1", admin)) {
                info = c.callString("INFO", "sinks");
                if (info.contains(text)) {
                    return;
                }
            } catch (RuntimeException notUpYet) {
                info = notUpYet.toString();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("INFO sinks never showed " + text + ":\n" + info);
    }

    private static void awaitStreamLength(RedisServer target, long length, RouterProcess routers) throws Exception {
        final long deadline = System.currentTimeMillis() + 60_000;
        long now = 0;
        while (System.currentTimeMillis() < deadline) {
            try (RedisClient c = target.client()) {
                now = c.callLong("XLEN", "events");
            }
            if (now >= length) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the stream holds " + now + " events of " + length + "; last router log:\n"
            + Files.readString(routers.log(routers.starts() - 1)));
    }
}
