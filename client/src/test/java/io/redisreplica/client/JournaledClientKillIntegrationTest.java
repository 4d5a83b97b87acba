package io.redisreplica.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.lang.management.ManagementFactory;
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
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * The journaled client in an application that is killed (SIGKILL) again and again while the
 * master is written to: every command reaches the application's output exactly once, in order.
 */
class JournaledClientKillIntegrationTest {
    private static final int WRITES = 3_000;

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private Process app(RedisServer master, int run) throws Exception {
        final List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator
            + "java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-Dchronicle")) {
                command.add(arg); // what Agrona and Chronicle need, as the test JVM has it
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JournaledApp.class.getName(), "127.0.0.1",
            Integer.toString(master.port()), dir.resolve("journal").toString(), dir.resolve("out.txt").toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("run-" + run + ".log").toFile()).start();
    }

    /** The values in the application's output, in order. */
    private List<String> values() {
        final List<String> values = new ArrayList<>();
        try {
            for (String line : Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8).lines().toList()) {
                values.add(line.substring(line.indexOf(' ') + 1));
            }
        } catch (java.io.IOException | StringIndexOutOfBoundsException notYet) {
            // not written yet, or a line being written
        }
        return values;
    }

    @Test
    void shouldDeliverEveryCommandExactlyOnceAcrossKillsOfTheApplication() throws Exception {
        final RedisServer master = redis.start();
        killAndCheck(master, new Thread(() -> {
            for (int i = 0; i < WRITES; i++) {
                master.call("RPUSH", "seq", Integer.toString(i));
            }
        }, "writer"));
    }

    /**
     * The writes come in MULTI/EXECs of 10, and the application applies each at its EXEC while it
     * acknowledges every 7 commands, mostly inside a transaction: each restart gets every
     * transaction it had not applied whole, from its MULTI (a tail alone would lose the head the
     * application held in memory).
     */
    @Test
    void shouldDeliverEachTransactionWholeAndOnceAcrossKillsInsideTransactions() throws Exception {
        final RedisServer master = redis.start();
        killAndCheck(master, new Thread(() -> {
            try (RedisClient c = master.client()) {
                for (int i = 0; i < WRITES; i += 10) {
                    c.call("MULTI");
                    for (int j = i; j < i + 10; j++) {
                        c.call("RPUSH", "seq", Integer.toString(j));
                    }
                    c.call("EXEC");
                }
            }
        }, "writer"));
    }

    /** Starts the application, starts {@code writer}, kills the application four times and checks that every write came out once, in order. */
    private void killAndCheck(RedisServer master, Thread writer) throws Exception {
        Process p = app(master, 0);
        try {
            Await.until("the application's first snapshot", () -> readLog(0).contains("snapshot at"), 60_000);
            writer.start();
            final int[] killAt = {200, 900, 1_600, 2_400};
            for (int run = 0; run < killAt.length; run++) {
                final int at = killAt[run];
                Await.until(at + " commands in the output", () -> values().size() >= at, 60_000);
                p.destroyForcibly(); // SIGKILL: between any two instructions of the application
                p.waitFor(10, TimeUnit.SECONDS);
                p = app(master, run + 1);
            }
            writer.join();
            try {
                Await.until("every write in the output", () -> values().size() >= WRITES, 60_000);
            } catch (AssertionError e) {
                final List<String> got = values();
                throw new AssertionError(e.getMessage() + ": " + got.size() + " values, the last " + got.subList(Math.max(0,
                    got.size() - 20), got.size()) + "; the last run's log:\n" + readLog(killAt.length), e);
            }
            final List<String> expected = new ArrayList<>();
            for (int i = 0; i < WRITES; i++) {
                expected.add(Integer.toString(i));
            }
            assertEquals(expected, values(), "each command once, in order");
            for (int run = 1; run <= killAt.length; run++) {
                // how much each restart took from the journal (it depends on where the kill fell): for the reader of the test's output
                readLog(run).lines().filter(l -> l.contains("to deliver again")).forEach(l -> System.out.println("run " + l));
                assertEquals(false, readLog(run).contains("snapshot at"), "run " + run + " continued: " + readLog(run));
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private String readLog(int run) {
        try {
            return Files.readString(dir.resolve("run-" + run + ".log"), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
