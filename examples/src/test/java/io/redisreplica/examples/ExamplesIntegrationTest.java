package io.redisreplica.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** The examples as a user runs them: their own JVMs, against real servers. */
class ExamplesIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private static Process java(Path log, String mainClass, String... args) throws Exception {
        final List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator
            + "java"));
        // Agrona's buffers need jdk.internal.misc exported (see the client's package-info), Chronicle Queue more: the test JVM's own switches
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-Dchronicle")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The RPUSHed values in the stream file, in order. */
    private static List<String> pushed(Path file) {
        final List<String> values = new ArrayList<>();
        for (String line : read(file).lines().toList()) {
            final String[] w = line.split(" ");
            if (w.length == 6 && w[3].equals("RPUSH")) {
                values.add(w[5]);
            }
        }
        return values;
    }

    @Test
    void shouldPrintAChangeStreamAndContinueItExactlyAfterAKill() throws Exception {
        final RedisServer master = redis.start();
        final Path stream = dir.resolve("changes.txt");
        Process p = java(dir.resolve("run-1.log"), "io.redisreplica.examples.ChangeStream", "127.0.0.1", Integer.toString(master.port()),
            stream.toString());
        try {
            Await.until("the first start's full resync", () -> Files.exists(stream) && read(stream).startsWith("# full resync"), 30_000);
            for (int i = 0; i < 200; i++) {
                master.call("RPUSH", "seq", Integer.toString(i));
            }
            Await.until("some of the stream", () -> pushed(stream).size() >= 50, 30_000);
            p.destroyForcibly(); // SIGKILL, maybe inside a line
            p.waitFor(10, TimeUnit.SECONDS);
            for (int i = 200; i < 300; i++) {
                master.call("RPUSH", "seq", Integer.toString(i)); // while it is down: the master's backlog keeps them
            }
            p = java(dir.resolve("run-2.log"), "io.redisreplica.examples.ChangeStream", "127.0.0.1", Integer.toString(master.port()),
                stream.toString());
            Await.until("every command in the file", () -> pushed(stream).size() >= 300, 30_000);
            final List<String> expected = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                expected.add(Integer.toString(i));
            }
            assertEquals(expected, pushed(stream), "each command once, in order");
            assertTrue(read(dir.resolve("run-2.log")).startsWith("continued at "), read(dir.resolve("run-2.log")));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void shouldCountTheKeysOfAnRdbByType() throws Exception {
        final RedisServer server = redis.start();
        server.call("SET", "s1", "v");
        server.call("SET", "s2", "v");
        server.call("RPUSH", "l", "a");
        server.call("SADD", "set", "a");
        server.call("SAVE");
        final Path log = dir.resolve("types.log");
        final Process p = java(log, "io.redisreplica.examples.RdbKeyTypes", server.dir().resolve("dump.rdb").toString());
        assertEquals(0, p.waitFor());
        final String out = read(log);
        assertTrue(out.startsWith("0 2\n"), "two strings (RDB_TYPE_STRING 0): " + out);
        assertEquals(3, out.lines().count(), out);
    }

    @Test
    void shouldServeAHandBuiltSnapshotAndStreamToARealReplica() throws Exception {
        final RedisServer replica = redis.start();
        final Path log = dir.resolve("serve.log");
        final Process p = java(log, "io.redisreplica.examples.ServeSnapshot", "127.0.0.1", Integer.toString(replica.port()), "500");
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "it ends once the replica acknowledged the stream");
            assertEquals(0, p.exitValue(), read(log));
        } finally {
            p.destroyForcibly();
        }
        final String out = read(log);
        assertTrue(out.contains("acknowledged offset ") && out.contains(", 0 bytes behind, after 1 full sync"), out);
        assertEquals("hello from a hand-built snapshot", replica.client().callString("GET", "greeting"));
        assertEquals("500", replica.client().callString("GET", "counter"), "each INCR of the stream applied once");
        assertEquals(101, replica.client().callLong("DBSIZE"), "the snapshot's 100 keys and the counter");
    }

    /** The RPUSHed values in a JournaledChangeStream file ({@code OFFSET DB RPUSH KEY VALUE}), in order. */
    private static List<String> journaledPushes(Path file) {
        final List<String> values = new ArrayList<>();
        for (String line : read(file).lines().toList()) {
            final String[] w = line.split(" ");
            if (w.length == 5 && w[2].equals("RPUSH")) {
                values.add(w[4]);
            }
        }
        return values;
    }

    @Test
    void shouldPrintAJournaledChangeStreamAndContinueItExactlyAfterAKill() throws Exception {
        final RedisServer master = redis.start();
        final Path stream = dir.resolve("journaled.txt");
        final String[] args = {"127.0.0.1", Integer.toString(master.port()), dir.resolve("journal").toString(), stream.toString()};
        Process p = java(dir.resolve("journaled-1.log"), "io.redisreplica.examples.JournaledChangeStream", args);
        try {
            Await.until("the first start's full resync", () -> read(stream).startsWith("# full resync"), 60_000);
            for (int i = 0; i < 200; i++) {
                master.call("RPUSH", "seq", Integer.toString(i));
            }
            Await.until("some of the stream", () -> journaledPushes(stream).size() >= 50, 30_000);
            p.destroyForcibly(); // SIGKILL, maybe between a line and its acknowledgement
            p.waitFor(10, TimeUnit.SECONDS);
            for (int i = 200; i < 300; i++) {
                master.call("RPUSH", "seq", Integer.toString(i)); // while it is down: the master's backlog keeps them
            }
            p = java(dir.resolve("journaled-2.log"), "io.redisreplica.examples.JournaledChangeStream", args);
            Await.until("every command in the file", () -> journaledPushes(stream).size() >= 300, 60_000);
            final List<String> expected = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                expected.add(Integer.toString(i));
            }
            assertEquals(expected, journaledPushes(stream), "each command once, in order");
            assertEquals(1, read(stream).lines().filter(l -> l.startsWith("#")).count(), "one full resync, at the first start");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }
}
