package io.redisreplica.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.PrometheusText;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * The release archive as an operator gets it: unpacked in a temp dir, its launcher started with
 * its own sample config (only the master's address, the journal directory and the ports changed,
 * and the sample sink line taken in) against a real master, with a real shard replica. Then
 * {@code /ready} answers 200, {@code /metrics} passes the strict parser and {@code promtool check
 * metrics}, every metric the Grafana dashboard and the alert rules name is one the router
 * exports, and SIGTERM stops it with exit code 0.
 */
class ReleaseArchiveIntegrationTest {
    private static final Pattern METRIC = Pattern.compile("\\b(?:redis_replica|jvm|process)_[a-zA-Z0-9_]*");

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Unpacks the release archive into the temp dir; returns its top directory. */
    private Path unpack() throws Exception {
        final Path archive = Path.of(System.getProperty("release.archive"));
        assertEquals(0, run(dir, "tar", "xzf", archive.toString(), "-C", dir.toString()).exit(), "tar xzf " + archive);
        return dir.resolve("redis-replica-" + System.getProperty("release.version"));
    }

    /** The launcher, with its class-data sharing archive kept in the temp dir (not the user's cache). */
    private ProcessBuilder launcher(Path home, String... args) {
        final List<String> command = new ArrayList<>(List.of(home.resolve("bin/redis-replica").toString()));
        command.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
        pb.environment().put("REDIS_REPLICA_CDS_DIR", dir.resolve("cds").toString());
        return pb;
    }

    @Test
    void shouldStartToolsFromAClassDataSharingArchiveWithOnlyTheirOwnOutputOnStdout() throws Exception {
        final Path home = unpack();
        final String version = "redis-replica " + System.getProperty("release.version") + "\n";
        final Path classes = dir.resolve("classes.log"); // one path: the same JVM options, so the same archive
        final ProcessBuilder versionRun = launcher(home, "--version").redirectError(ProcessBuilder.Redirect.DISCARD);
        versionRun.environment().put("JAVA_OPTS", "-Xlog:class+load:file=" + classes);
        final Process v = versionRun.start();
        assertEquals(version, new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8), "nothing but the version on stdout");
        assertEquals(0, v.waitFor());
        assertTrue(!read(classes).contains("picocli.CommandLine$Model$CommandSpec "), "the root's --version printed without picocli's model");
        assertTrue(!Files.exists(dir.resolve("cds")), "no archive made or mapped for the root's --version");

        final Path journalDir = dir.resolve("journal");
        try (Journal journal = Journal.open(new JournalContext().dir(journalDir).minFreeBytes(0))) {
            journal.shard("a").writer(0).append(7, 0, 0, "*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        for (int i = 0; i < 2; i++) { // the first run makes the archive, the second maps it
            final ProcessBuilder pb = launcher(home, "journal", "ls", journalDir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("JAVA_OPTS", "-Xlog:class+load:file=" + classes);
            final Process p = pb.start();
            final String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), stdout);
            assertTrue(stdout.startsWith("journal " + journalDir + ":"), "the listing, no logging status on stdout:\n" + stdout);
            final String loaded = read(classes);
            assertTrue(loaded.contains("io.redisreplica.tools.Main source: shared objects file"), "run " + i + " maps the launcher's classes");
            // the training run logs and opens a journal: logback's and Chronicle Queue's classes are in the archive too
            assertTrue(loaded.contains("ch.qos.logback.classic.LoggerContext source: shared objects file"), "logback's classes from the archive");
            assertTrue(loaded.contains("io.redisreplica.journal.ShardJournal source: shared objects file"), "the journal's classes from the archive");
            // a static archive holds picocli's classes too (Java 5 bytecode, which a dynamic one leaves out): of the ~2,900
            // classes a journal ls loads, what is not from the archive is made at run time (method handles, proxies)
            assertTrue(loaded.contains("picocli.CommandLine source: shared objects file"), "picocli's classes from the archive");
            final long lines = loaded.lines().filter(l -> l.contains(" source: ")).count();
            final long fromJar = loaded.lines().filter(l -> l.contains(" source: ") && !l.contains("shared objects file")).count();
            assertTrue(fromJar * 20 < lines, fromJar + " of " + lines + " classes not from the archive");
        }
        try (java.util.stream.Stream<Path> made = Files.list(dir.resolve("cds"))) {
            assertEquals(1, made.filter(f -> f.toString().endsWith(".jsa")).count(), "one archive, made once");
        }
        // rdb split, whose start is most of a small file's split: the training run splits a file too
        final Path splitClasses = dir.resolve("split-classes.log");
        final Path config = dir.resolve("split.conf");
        Files.writeString(config, "upstream 127.0.0.1:6379\njournal " + dir.resolve("unused") + "\nshard a 127.0.0.1:7001 slots=0-16383\n");
        final ProcessBuilder split = launcher(home, "rdb", "split", io.redisreplica.testkit.RdbCorpus.dir()
            .resolve("librdb/test/dumps/multiple_lists_strings.rdb").toString(), "-c", config.toString(), "-o",
            dir.resolve("shards").toString(), "--quiet").redirectError(ProcessBuilder.Redirect.DISCARD);
        split.environment().put("JAVA_OPTS", "-Xlog:class+load:file=" + splitClasses);
        final Process s = split.start();
        s.getInputStream().readAllBytes();
        assertEquals(0, s.waitFor(), "rdb split");
        for (String c : List.of("io.redisreplica.rdb.RdbSplitter", "io.redisreplica.rdb.WriteBehind", "io.redisreplica.router.config.ConfigParser")) {
            assertTrue(read(splitClasses).contains(c + " source: shared objects file"), c + " from the archive");
        }
    }

    @Test
    void shouldRunTheSampleConfigFromTheUnpackedArchiveAndExportWhatTheDashboardAndAlertsName() throws Exception {
        final Path home = unpack();
        for (String f : List.of("bin/redis-replica", "lib/redis-replica.jar", "conf/router.conf", "conf/logback.xml",
            "systemd/redis-replica.service", "grafana/redis-replica-dashboard.json", "prometheus/redis-replica-alerts.yml", "README.md")) {
            assertTrue(Files.isRegularFile(home.resolve(f)), f + " in the archive");
        }
        assertTrue(Files.isExecutable(home.resolve("bin/redis-replica")));

        final RedisServer master = redis.start();
        final RedisServer sinkTarget = redis.start();
        master.call("SET", "apple", "red");
        master.call("SET", "user:1", "ann");
        final int shardA = FreePort.find();
        final int httpPort = FreePort.find();
        final String sample = Files.readString(home.resolve("conf/router.conf"));
        final String config = sample
            .replace("upstream 127.0.0.1:6379", "upstream 127.0.0.1:" + master.port())
            .replace("journal /var/lib/redis-replica/journal", "journal " + dir.resolve("journal"))
            .replace("127.0.0.1:7001", "127.0.0.1:" + shardA)
            .replace("127.0.0.1:7002", "127.0.0.1:" + FreePort.find())
            .replace("admin 127.0.0.1:7100", "admin 127.0.0.1:" + FreePort.find())
            .replace("admin-http 127.0.0.1:7180", "admin-http 127.0.0.1:" + httpPort)
            .replace("#sink audit xadd 127.0.0.1:6390", "sink audit xadd 127.0.0.1:" + sinkTarget.port());
        assertEquals(7, diffLines(sample, config), "only the addresses, the journal and the sink line differ from the sample");
        Files.writeString(home.resolve("conf/router.conf"), config);

        final Path log = dir.resolve("router.log");
        final Process router = launcher(home, "run", "--config", "conf/router.conf").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            try {
                Await.until("/ready answering 200", () -> {
                    if (!router.isAlive()) {
                        throw new AssertionError("the router exited " + router.exitValue() + ":\n" + read(log));
                    }
                    return status(httpPort, "/ready") == 200;
                }, 60_000);
            } catch (AssertionError e) {
                String ready;
                try {
                    ready = body(httpPort, "/ready");
                } catch (UncheckedIOException notListening) {
                    ready = notListening.toString();
                }
                throw new AssertionError(e.getMessage() + "; /ready says: " + ready + "\nthe router's log:\n" + read(log), e);
            }
            final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + shardA));
            replica.awaitReplicaInSync(30_000);
            master.call("SET", "avocado", "green");
            Await.until("the replica's ACK in /metrics", () -> body(httpPort, "/metrics")
                .contains("redis_replica_replica_lag_bytes{replica=\"127.0.0.1:" + replica.port() + "\",shard=\"a\"}"), 30_000);
            Await.until("the sink's event delivered", () -> {
                try (RedisClient c = sinkTarget.client()) {
                    return c.callLong("XLEN", "key-events") >= 1;
                }
            }, 30_000);

            final String metrics = body(httpPort, "/metrics");
            final Set<String> exported = new TreeSet<>();
            PrometheusText.parse(metrics).values().forEach(f -> {
                exported.add(f.name());
                f.samples().forEach(s -> exported.add(s.name()));
            });
            final Path scraped = dir.resolve("metrics.txt");
            Files.writeString(scraped, metrics);
            final Result lint = run(dir, "bash", "-c", "promtool check metrics < " + scraped);
            assertEquals(0, lint.exit(), "promtool check metrics:\n" + lint.output());

            final JsonNode dashboard = new ObjectMapper().readTree(home.resolve("grafana/redis-replica-dashboard.json").toFile());
            final Set<String> named = new TreeSet<>();
            for (JsonNode panel : dashboard.get("panels")) {
                for (JsonNode target : panel.get("targets")) {
                    named.addAll(metrics(target.get("expr").asText()));
                }
            }
            named.addAll(metrics(dashboard.get("templating").toString()));
            assertTrue(named.size() > 20, named.toString());
            named.removeAll(exported);
            assertEquals(Set.of(), named, "dashboard panels naming metrics the router does not export");

            final Set<String> alerted = new TreeSet<>();
            for (String line : Files.readAllLines(home.resolve("prometheus/redis-replica-alerts.yml"))) {
                if (line.trim().startsWith("expr:")) {
                    alerted.addAll(metrics(line));
                }
            }
            assertTrue(alerted.size() > 8, alerted.toString());
            alerted.removeAll(exported);
            assertEquals(Set.of(), alerted, "alert rules naming metrics the router does not export");
        } finally {
            router.destroy(); // SIGTERM
            assertTrue(router.waitFor(45, TimeUnit.SECONDS), "stopped within the unit's TimeoutStopSec");
        }
        final String logged = read(log);
        assertEquals(0, router.exitValue(), logged);
        assertTrue(logged.contains("router stopped"), logged);
        assertTrue(logged.lines().filter(l -> l.contains(" INFO ")).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}"
            + "(Z|[+-]\\d\\d:\\d\\d) .*")), "conf/logback.xml's ISO-8601 timestamps:\n" + logged);
    }

    private static Set<String> metrics(String expr) {
        final Set<String> out = new TreeSet<>();
        final Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static int diffLines(String a, String b) {
        final String[] x = a.split("\n");
        final String[] y = b.split("\n");
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            n += x[i].equals(y[i]) ? 0 : 1;
        }
        return n;
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (UncheckedIOException notYetListening) {
            return -1;
        }
    }

    private String body(int port, String path) {
        return get(port, path).body();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Result(int exit, String output) {
    }

    static Result run(Path cwd, String... command) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(cwd.toFile()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
