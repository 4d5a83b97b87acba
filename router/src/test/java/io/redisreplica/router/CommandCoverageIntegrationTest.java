package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.redisreplica.router.WriteCommandWorkloads.Keys;
import io.redisreplica.router.WriteCommandWorkloads.Stage;
import io.redisreplica.router.WriteCommandWorkloads.Step;
import io.redisreplica.router.WriteCommandWorkloads.Workload;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.DatasetComparison.Difference;
import io.redisreplica.testkit.DatasetComparison;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Issue 11's proof: every write command in the master's own COMMAND table, driven through the
 * router into 3 shards, leaves each shard replica holding exactly the master's keys of that
 * shard, in every db, with the master's types, values, TTLs and stream groups.
 *
 * <p>Each workload of {@link WriteCommandWorkloads} runs four times, in four ways of reaching a
 * replica: before the router starts (the snapshot), with the router up and no replica attached
 * (the journal, replayed after the snapshot), while the replicas attach, and live. Then every
 * replica catches up and {@link DatasetComparison} checks all of them; FLUSHALL and the commands
 * over more than 1024 keys run afterwards, each followed by its own comparison. A write command
 * of the master's table with neither a workload nor an entry in
 * {@link WriteCommandWorkloads#EXCLUDED} fails the test before anything runs, so a new Redis
 * version cannot slip a command past it. A control runs the same workloads against a plain
 * replica of the master and must find no difference: it keeps the table and the comparison
 * honest, so every difference the router test reports is the router's.
 *
 * <p>CI runs the local 7.0 and 2.8.19 masters; {@code -Dcoverage.versions=all} adds 6.0.5 and
 * 6.2.7 ({@code scripts/matrix.sh}), or name them: {@code -Dcoverage.versions=6.2.7,local}.
 * {@code -Dcoverage.maps=SLOTS} narrows the maps.
 */
class CommandCoverageIntegrationTest {
    /**
     * The router's default policy for cross-shard commands, the one operators run with. Issue 11
     * makes translation the default; this follows it then.
     */
    private static final CrossShardPolicy CROSS_SHARD = CrossShardPolicy.TRANSLATE;
    private static final long CATCH_UP_MS = 15_000;
    private static final Pattern WORKLOAD_OF_KEY = Pattern.compile("(rdb|journal|attach|live|final):([^:]+):");

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    static Stream<Arguments> mastersAndMaps() {
        final String versions = System.getProperty("coverage.versions", "ci");
        final List<String> list = switch (versions) {
            case "ci" -> List.of("local", "2.8.19");
            case "all" -> List.of("local", "6.2.7", "6.0.5", "2.8.19");
            default -> Arrays.asList(versions.split(","));
        };
        final List<CoverageMap> maps = System.getProperty("coverage.maps") == null ? List.of(CoverageMap.values())
            : Arrays.stream(System.getProperty("coverage.maps").split(",")).map(CoverageMap::valueOf).toList();
        return list.stream().flatMap(v -> maps.stream().map(m -> Arguments.of(v, m)));
    }

    /**
     * The shard replicas' version: the master's own unless {@code -Dcoverage.replica=VERSION}
     * ({@code local} for the machine's 7.0) names another, for the master x replica matrix.
     */
    private static RedisBinary replicaBinary(RedisBinary master) {
        final String replica = System.getProperty("coverage.replica", "same");
        return switch (replica) {
            case "same" -> master;
            case "local" -> RedisBinary.local();
            default -> RedisBinary.bundled(replica);
        };
    }

    @ParameterizedTest(name = "{0} master, {1} map")
    @MethodSource("mastersAndMaps")
    void shouldMirrorEveryWriteCommandOfTheMasterIntoTheShardsThatOwnItsKeys(String version, CoverageMap map) throws Exception {
        final RedisBinary binary = version.equals("local") ? RedisBinary.local() : RedisBinary.bundled(version);
        final RedisServer master = redis.start(binary);
        final MastersTable commands = MastersTable.of(master);
        assertEquals(Set.of(), commands.writesWithoutWorkload(), "write commands of the " + binary.version()
            + " master's COMMAND table with neither a workload nor an exclusion in WriteCommandWorkloads");

        final int[] ports = {FreePort.find(), FreePort.find(), FreePort.find()};
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\n" + map.shardLines(ports), "coverage");
        final Driver driver = new Driver(master, redis.start(binary), map, config.shardMap(), commands);
        final List<String> failures = new ArrayList<>();

        driver.run("rdb", Stage.EVERY_PHASE);
        try (Router router = Router.start(config, CROSS_SHARD)) {
            Await.until("the router to stream from the master", () -> router.upstream().state() == UpstreamLink.State.STREAMING, 30_000);
            driver.run("journal", Stage.EVERY_PHASE);
            Thread.sleep(1_500); // a relative TTL journaled as relative would now show 1.5 s too long on the replicas
            final List<RedisServer> replicas = new ArrayList<>();
            final RedisBinary replicaBinary = replicaBinary(binary);
            final String replicaOf = replicaBinary.atLeast(5, 0) ? "replicaof" : "slaveof";
            for (int port : ports) {
                replicas.add(redis.start(replicaBinary, Map.of(replicaOf, "127.0.0.1 " + port)));
            }
            driver.run("attach", Stage.EVERY_PHASE);
            for (RedisServer replica : replicas) {
                replica.awaitReplicaInSync(30_000);
            }
            driver.run("live", Stage.EVERY_PHASE);
            final DatasetComparison comparison =
                DatasetComparison.of(master, replicas, key -> config.shardMap().shardOf(key, 0, key.length)).maxDifferences(500);
            compare("after the snapshot, journal, attach and live phases", router, master, replicas, comparison, failures);
            driver.run("final", Stage.AFTER_MAIN_COMPARISON);
            compare("after FLUSHALL", router, master, replicas, comparison, failures);
            driver.run("final", Stage.LAST);
            compare("after DEL, UNLINK and MSET of 1100 keys", router, master, replicas, comparison, failures);
            if (!failures.isEmpty() || !driver.errors.isEmpty()) {
                failures.add("router counters: cross-shard " + router.upstream().router().crossShard() + ", unknown "
                    + router.upstream().router().unknown() + ", upstream " + router.upstream().state() + " "
                    + abbreviate(router.upstream().lastError()));
            }
        }
        if (!driver.errors.isEmpty()) {
            failures.add(0, "the master refused workload commands (fix the table):\n  " + String.join("\n  ", driver.errors));
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(binary.version() + " master, " + map + " map, cross-shard " + CROSS_SHARD + ":\n"
                + String.join("\n", failures));
        }
    }

    static Stream<String> masters() {
        return mastersAndMaps().map(a -> (String) a.get()[0]).distinct();
    }

    /**
     * The control: the same workloads and comparison with a plain replica of the master, no
     * router. A difference here is in the workload table or the comparison (or Redis itself),
     * not in the router, and must be fixed before the router is judged by this test.
     */
    @ParameterizedTest(name = "{0} master")
    @MethodSource("masters")
    void shouldFindNoDifferenceBetweenTheMasterAndADirectReplica(String version) throws Exception {
        final RedisBinary binary = version.equals("local") ? RedisBinary.local() : RedisBinary.bundled(version);
        final RedisServer master = redis.start(binary);
        final MastersTable commands = MastersTable.of(master);
        final int[] ports = {FreePort.find(), FreePort.find(), FreePort.find()};
        final ShardMap map = ConfigParser.parse("journal " + dir + "\n" + CoverageMap.SLOTS.shardLines(ports), "control").shardMap();
        final Driver driver = new Driver(master, redis.start(binary), CoverageMap.SLOTS, map, commands);
        driver.run("rdb", Stage.EVERY_PHASE);
        final RedisServer replica = redis.start(binary, Map.of(binary.atLeast(5, 0) ? "replicaof" : "slaveof", "127.0.0.1 " + master.port()));
        driver.run("attach", Stage.EVERY_PHASE);
        replica.awaitReplicaInSync(30_000);
        driver.run("live", Stage.EVERY_PHASE);
        final DatasetComparison comparison = DatasetComparison.of(master, List.of(replica), key -> 0);
        final List<String> failures = new ArrayList<>();
        for (Stage stage : List.of(Stage.AFTER_MAIN_COMPARISON, Stage.LAST)) {
            Await.until("the replica to reach the master's offset", () -> replicaOffset(replica) >= master.replicationOffset(), 15_000);
            final List<Difference> differences = comparison.differences();
            if (!differences.isEmpty()) {
                failures.add("before " + stage + ":\n" + byWorkload(differences) + DatasetComparison.describe("  every difference", differences));
            }
            driver.run("final", stage);
        }
        Await.until("the replica to reach the master's offset", () -> replicaOffset(replica) >= master.replicationOffset(), 15_000);
        final List<Difference> differences = comparison.differences();
        if (!differences.isEmpty()) {
            failures.add("at the end:\n" + byWorkload(differences) + DatasetComparison.describe("  every difference", differences));
        }
        if (!driver.errors.isEmpty()) {
            failures.add(0, "the master refused workload commands (fix the table):\n  " + String.join("\n  ", driver.errors));
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(binary.version() + " master and its direct replica:\n" + String.join("\n", failures));
        }
    }

    /** Waits until every replica holds what the router journaled of all the master wrote, then compares. */
    private static void compare(String when, Router router, RedisServer master, List<RedisServer> replicas,
                                DatasetComparison comparison, List<String> failures) {
        final String lag = awaitCaughtUp(router, master, replicas);
        final List<Difference> differences = comparison.differences();
        if (lag != null || !differences.isEmpty()) {
            failures.add(when + ": " + (lag == null ? "" : lag + "; ") + differences.size() + " difference(s)\n"
                + byWorkload(differences) + DatasetComparison.describe("  every difference", differences));
        }
    }

    /** Null when the router has the master's offset and each replica its shard's journal end; else what lags. */
    private static String awaitCaughtUp(Router router, RedisServer master, List<RedisServer> replicas) {
        final long masterOffset = master.replicationOffset();
        final long deadline = System.currentTimeMillis() + CATCH_UP_MS;
        while (router.upstream().offset() < masterOffset) {
            if (router.upstream().state() == UpstreamLink.State.STOPPED || System.currentTimeMillis() > deadline) {
                return "the router reached master offset " + router.upstream().offset() + " of " + masterOffset + " ("
                    + router.upstream().state() + ": " + abbreviate(router.upstream().lastError()) + ")";
            }
            sleep(20);
        }
        for (int i = 0; i < replicas.size(); i++) {
            final long end = router.shards().get(i).journal().endOffset();
            while (replicaOffset(replicas.get(i)) < end) {
                if (System.currentTimeMillis() > deadline) {
                    return "the replica of shard " + i + " reached offset " + replicaOffset(replicas.get(i)) + " of " + end
                        + " (" + router.replicas(i) + ")";
                }
                sleep(20);
            }
        }
        return null;
    }

    private static long replicaOffset(RedisServer replica) {
        try (RedisClient c = replica.client()) {
            final String info = c.callString("INFO", "replication");
            final int at = info.indexOf("slave_repl_offset:");
            return at < 0 ? -1 : Long.parseLong(info.substring(at + "slave_repl_offset:".length(), info.indexOf('\r', at)));
        }
    }

    /** One line per command whose keys differ, with the phases they were written in. */
    private static String byWorkload(List<Difference> differences) {
        final Map<String, Set<String>> phases = new TreeMap<>();
        final Map<String, Integer> counts = new TreeMap<>();
        for (Difference d : differences) {
            final Matcher m = WORKLOAD_OF_KEY.matcher(d.key());
            final boolean named = m.find();
            final String workload = named ? m.group(2) : "(unattributed)";
            phases.computeIfAbsent(workload, w -> new TreeSet<>()).add(named ? m.group(1) : "?");
            counts.merge(workload, 1, Integer::sum);
        }
        final StringBuilder sb = new StringBuilder("  by command:\n");
        phases.forEach((w, p) -> sb.append("    ").append(w).append(": ").append(counts.get(w)).append(" key(s), written in ")
            .append(p).append('\n'));
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The master's COMMAND table: every name (subcommands as {@code xgroup|create}) and which are writes. */
    record MastersTable(Set<String> names, Set<String> writes) {
        static MastersTable of(RedisServer master) {
            final Set<String> names = new HashSet<>();
            final Set<String> writes = new HashSet<>();
            for (Object entry : (List<?>) master.call("COMMAND")) {
                add((List<?>) entry, names, writes);
                final List<?> info = (List<?>) entry;
                if (info.size() > 9 && info.get(9) instanceof List<?> subcommands) { // Redis 7
                    for (Object sub : subcommands) {
                        add((List<?>) sub, names, writes);
                    }
                }
            }
            return new MastersTable(names, writes);
        }

        private static void add(List<?> info, Set<String> names, Set<String> writes) {
            final String name = new String((byte[]) info.get(0), StandardCharsets.UTF_8).toLowerCase();
            names.add(name);
            for (Object flag : (List<?>) info.get(2)) {
                if ("write".equals(new String((byte[]) flag, StandardCharsets.UTF_8))) {
                    writes.add(name);
                }
            }
        }

        Set<String> writesWithoutWorkload() {
            final Set<String> missing = new TreeSet<>(writes);
            WriteCommandWorkloads.ALL.forEach(w -> missing.remove(w.command()));
            missing.removeAll(WriteCommandWorkloads.EXCLUDED.keySet());
            return missing;
        }
    }

    /** Runs the workloads of a stage on the master, with keys named after the phase and the command. */
    private static final class Driver {
        private final RedisServer master;
        private final RedisServer migrationTarget;
        private final CoverageMap map;
        private final ShardMap shardMap;
        private final MastersTable commands;
        final List<String> errors = new ArrayList<>();

        Driver(RedisServer master, RedisServer migrationTarget, CoverageMap map, ShardMap shardMap, MastersTable commands) {
            this.master = master;
            this.migrationTarget = migrationTarget;
            this.map = map;
            this.shardMap = shardMap;
            this.commands = commands;
        }

        void run(String phase, Stage stage) {
            try (RedisClient c = master.client()) {
                for (Workload w : WriteCommandWorkloads.ALL) {
                    if (w.stage() != stage || !commands.names().contains(w.command())) {
                        continue;
                    }
                    final Keys keys = keys(phase + ":" + w.command() + ":");
                    final List<Step> steps = w.steps().apply(keys);
                    for (int i = 0; i < steps.size(); i++) {
                        try {
                            steps.get(i).run(c, keys);
                        } catch (RedisClient.RedisErrorException e) {
                            errors.add(phase + " " + w.command() + " step " + (i + 1) + ": " + e.getMessage());
                        }
                    }
                    c.call("SELECT", 0);
                }
            }
        }

        private Keys keys(String prefix) {
            return new Keys() {
                @Override
                public String on(int shard, String name) {
                    final String key = map.keyOn(shard, prefix + name);
                    final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
                    if (shardMap.shardOf(bytes, 0, bytes.length) != shard) {
                        throw new IllegalStateException(map + " map puts " + key + " on shard "
                            + shardMap.shardOf(bytes, 0, bytes.length) + ", not " + shard);
                    }
                    return key;
                }

                @Override
                public String unclaimed(String name) {
                    return map.unclaimedKey(prefix + name);
                }

                @Override
                public RedisBinary binary() {
                    return master.binary();
                }

                @Override
                public RedisServer master() {
                    return master;
                }

                @Override
                public RedisServer migrationTarget() {
                    return migrationTarget;
                }
            };
        }
    }
}
