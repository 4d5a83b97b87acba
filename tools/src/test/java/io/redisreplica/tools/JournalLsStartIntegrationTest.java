package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import tools.jackson.databind.JsonNode;

/**
 * {@code journal ls} started as its own JVM, as the launcher starts it (the lean start: Chronicle
 * without its POSIX binding, logging configured in code, {@code lseek} through JNA) prints byte for
 * byte what the command prints in a JVM with all of those, on a journal the router wrote; and its
 * bytes on disk are what Chronicle's own POSIX binding counts.
 */
class JournalLsStartIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldListARoutersJournalFromItsOwnJvmAsTheCommandDoesInProcess() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of());
        final TwoSlotShards shards = new TwoSlotShards(dir, master);
        Files.writeString(shards.config, "journal-roll secondly\n", StandardOpenOption.APPEND);
        final RouterProcess routers = new RouterProcess(dir);
        final Process router = routers.start(shards.config);
        final Path journal = dir.resolve("journal");
        try {
            routers.awaitStreaming(0);
            shards.replicas(redis); // receivers in the checkpoint
            try (RedisClient c = master.client()) { // entries in several files of each shard: a file a second
                final long deadline = System.currentTimeMillis() + 60_000;
                for (long i = 0; i % 100 != 0 || cycleFiles(journal).size() < 6; i++) {
                    assertTrue(System.currentTimeMillis() < deadline, "the journal rolls to a new file each second");
                    c.call("SET", "key:" + i, "value " + i);
                }
            }
        } finally {
            router.destroy(); // SIGTERM: the last checkpoint written
            assertTrue(router.waitFor(40, TimeUnit.SECONDS));
        }
        for (List<String> args : List.of(List.of("journal", "ls", journal.toString()), List.of("journal", "ls", journal.toString(), "--json"))) {
            final Cli inProcess = Cli.run(args.toArray(String[]::new));
            assertEquals(0, inProcess.exit(), inProcess.err());
            final Process ls = ownJvm(args).start();
            final String out = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            final String err = new String(ls.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, ls.waitFor(), err);
            assertEquals(inProcess.out(), out, String.join(" ", args));
            assertEquals("", err, "nothing logged");
            final String loaded = Files.readString(dir.resolve("classes.log"));
            assertTrue(loaded.contains("io.redisreplica.journal.Journal ") && !loaded.contains(" jnr."), "the journal without JNR's POSIX binding");
            assertTrue(loaded.contains("io.redisreplica.tools.LogConfigurator ") && !loaded.contains("ch.qos.logback.classic.joran."),
                "logging configured in code, no XML read");
        }
        final JsonNode listed = JsonParsing.parse(Cli.run("journal", "ls", journal.toString(), "--json").out());
        for (JsonNode shard : listed.get("shards")) {
            final long bytes = shard.get("bytes").asLong();
            // the bytes on disk as Chronicle's binding counted them: DataExtentsTest, in the journal module (the only one naming Chronicle)
            assertTrue(bytes > 0 && bytes < shard.get("apparent_bytes").asLong(), shard.toString());
        }
    }

    /**
     * The JVM the launcher starts: Chronicle's flags (its jar's manifest's) as the test JVM has them, the shipped logback.xml
     * named as the release's launcher names it (before testkit's logback-test.xml).
     */
    private ProcessBuilder ownJvm(List<String> args) throws Exception {
        final Path shippedLogback = dir.resolve("logback.xml"); // the release's conf/logback.xml: a copy of the jar's
        if (!Files.exists(shippedLogback)) {
            try (java.io.InputStream in = JournalLsStartIntegrationTest.class.getResourceAsStream("/logback.xml")) {
                Files.write(shippedLogback, in.readAllBytes());
            }
        }
        final List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-exports") || arg.startsWith("--add-opens") || arg.startsWith("-Dchronicle")) {
                cmd.add(arg);
            }
        }
        cmd.add("-Dlogback.configurationFile=" + shippedLogback);
        cmd.add("-Xlog:class+load:file=" + dir.resolve("classes.log"));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd);
    }

    private static List<Path> cycleFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        // the router runs meanwhile: a file it renames (checkpoint.tmp) can vanish between the walk's
        // listing and its look at the file, which fails the walk; walk again
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> files = Files.walk(dir)) {
                return files.filter(f -> f.toString().endsWith(".cq4")).toList();
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                final Throwable cause = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
                if (!(cause instanceof java.nio.file.NoSuchFileException) || attempt == 5) {
                    throw new AssertionError("listing " + dir + ": " + e, e);
                }
            }
        }
    }
}
