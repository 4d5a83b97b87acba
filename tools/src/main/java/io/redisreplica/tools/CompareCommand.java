package io.redisreplica.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;


import io.redisreplica.resp.RespClient;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.tls.SocketFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "compare", mixinStandardHelpOptions = true,
    header = "Compare the master with the servers of its shards, key by key: placement, type, value and TTL.",
    description = {"Compare the master of a router config with its shards: every key of every db (or a sample) must be on the",
        "shard that owns it, with the master's type, value and TTL, and no shard may hold a key it does not own or the master",
        "does not have. Values are read in pages and hashed (SHA-256; sets and hashes in any order), never held whole.",
        "Keys still differing are read again in later passes, so keys that change while the compare runs are not reported",
        "as long as the shards keep up. The config's drop rules and rewrite lines apply: a key is expected on its shard under",
        "the shard's name for it, and absent when a drop rule keeps it off; a config with transform lines is refused (user",
        "code decides those values). A shard server that is a Redis Cluster node is read as the cluster (every master",
        "scanned, keys read on the node serving their slot; db 0 only).",
        "Exit code 0 when equal, 1 with the differences, 4 when a server cannot be reached."})
// Over ~300 lines: a third is its options and --help text; the passes below are one algorithm over shared counters.
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "CONFIG", description = "The router's config: the master (upstream) and the shard map.")
    Path config;

    @Option(names = {"-s", "--shard"}, required = true, paramLabel = "SHARD=HOST:PORT",
        description = "A server holding shard SHARD's keys (its replica, or a replay target, or a node of a cluster it was replayed into); repeat per shard. Keys of shards not given are counted as not compared.")
    Map<String, String> shards = new LinkedHashMap<>();

    @Option(names = "--checkpoint-key", paramLabel = "SHARD=KEY", description = "The checkpoint key of a shard's replay target, if not "
        + "redis-replica:replay:SHARD: that key, its :snapshot and :epoch keys and its per-slot copies on a cluster ({tag}KEY) are replay's "
        + "bookkeeping, not the shard's keys, and are passed over.")
    Map<String, String> checkpointKeys = new LinkedHashMap<>();

    @Option(names = "--password", paramLabel = "PASSWORD", description = "Password (AUTH) of the shard servers (or set REDIS_REPLICA_TARGET_PASSWORD).")
    String password;

    @Option(names = "--sample", defaultValue = "1", paramLabel = "RATE",
        description = "Share of keys to compare, 0 < RATE <= 1, chosen by a hash of the key (the same keys in every pass). Default: ${DEFAULT-VALUE}.")
    double sample;

    @Option(names = "--passes", defaultValue = "3", paramLabel = "N", description = "Passes over the keys that differ (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--pass-delay-ms", defaultValue = "1000", paramLabel = "MS", description = "Wait between passes (default: ${DEFAULT-VALUE}).")
    long passDelayMs;

    @Option(names = "--ttl-tolerance-ms", defaultValue = "1000", paramLabel = "MS", description = "TTLs closer than this are equal (default: ${DEFAULT-VALUE}).")
    long ttlTolerance;

    @Option(names = "--max-report", defaultValue = "50", paramLabel = "N", description = "Differences listed (all are counted; default: ${DEFAULT-VALUE}).")
    int maxReport;

    @Mixin
    QuietOption quiet;

    @Mixin
    JsonResultOption json;

    @Mixin
    TlsOptions tls;

    private CompareRules rules;
    private CompareServer master;
    private final Map<String, CompareTarget> targets = new LinkedHashMap<>();
    private final List<String> untraced = new ArrayList<>();
    private long compared;
    private long notCompared;
    private long lastProgress = System.nanoTime();
    private PrintWriter err;

    @Override
    public Integer call() throws Exception {
        if (!(sample > 0 && sample <= 1)) {
            throw new ParameterException(spec.commandLine(), "--sample must be above 0 and at most 1, was " + sample);
        }
        if (passes < 1) {
            throw new ParameterException(spec.commandLine(), "--passes must be at least 1, was " + passes);
        }
        final RouterConfig cfg = io.redisreplica.router.config.ConfigParser.load(config);
        if (!cfg.transforms().isEmpty()) {
            throw new ParameterException(spec.commandLine(), config + " has transform lines: user code rewrites the shards' values, "
                + "so compare cannot know what they should hold");
        }
        rules = new CompareRules(cfg);
        final ShardMap map = rules.map();
        for (String name : shards.keySet()) {
            if (map.shards().stream().noneMatch(s -> s.name().equals(name))) {
                throw new ParameterException(spec.commandLine(), "--shard " + name + ": no such shard in " + config);
            }
        }
        final PrintWriter out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        try {
            final String masterAt = io.redisreplica.router.upstream.MasterLocator.current(cfg, tls.sentinelSockets(cfg)).toString();
            master = new CompareServer(connect(masterAt, cfg.upstreamUser(), cfg.upstreamPassword(), "master",
                tls.sockets(cfg.upstreamTls(), cfg), true), "master");
            final String pass = password != null ? password : System.getenv("REDIS_REPLICA_TARGET_PASSWORD");
            for (Map.Entry<String, String> e : shards.entrySet()) {
                final String what = "shard " + e.getKey();
                final SocketFactory sockets = tls.sockets(false, cfg);
                final RespClient c = connect(e.getValue(), null, pass, what, sockets, true);
                if (CompareCluster.is(c)) { // the slot map is read as text, the nodes' keys as bytes
                    c.close();
                    targets.put(e.getKey(), new CompareCluster(connect(e.getValue(), null, pass, what, sockets, false),
                        (host, port) -> RedisConnections.open(host, port, null, pass, what, true, sockets), what));
                } else {
                    targets.put(e.getKey(), new CompareServer(c, what));
                }
            }
            final long started = System.nanoTime();
            List<CompareReport.Difference> differences = firstPass();
            for (int round = 2; round <= passes && !differences.isEmpty(); round++) {
                Thread.sleep(passDelayMs);
                differences = recheck(differences);
                progress(err, "pass " + round + ": " + differences.size() + " still differ", true);
            }
            new CompareReport(json.on(), maxReport).print(out, differences, compared, notCompared, untraced, (System.nanoTime() - started) / 1_000_000);
            return differences.isEmpty() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.ENVIRONMENT;
        } finally {
            for (CompareTarget c : targets.values()) {
                c.close();
            }
            if (master != null) {
                master.close();
            }
        }
    }

    private RespClient connect(String address, String user, String pass, String what, SocketFactory sockets, boolean binary)
        throws IOException {
        final int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new ParameterException(spec.commandLine(), what + ": expected HOST:PORT, was " + address);
        }
        return RedisConnections.open(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), user, pass, what, binary,
            sockets);
    }

    /** Every db any server has keys in: the master's keys checked on their shards, then each shard's keys checked for placement. */
    private List<CompareReport.Difference> firstPass() throws IOException {
        final TreeSet<Integer> dbs = new TreeSet<>(master.dbs());
        for (CompareTarget t : targets.values()) {
            dbs.addAll(t.dbs());
        }
        for (String shard : targets.keySet()) {
            if (!rules.traceable(index(shard))) {
                untraced.add(shard);
            }
        }
        final List<CompareReport.Difference> differences = new ArrayList<>();
        for (int db : dbs) {
            master.scan(db, keys -> {
                check(db, sampled(keys), differences);
                progress(err, "master db " + db, false);
            });
            for (Map.Entry<String, CompareTarget> t : targets.entrySet()) {
                if (t.getValue().holds(db) && !untraced.contains(t.getKey())) {
                    t.getValue().scan(db, keys -> {
                        placement(db, t.getKey(), sampled(keys), differences);
                        progress(err, t.getKey() + " db " + db, false);
                    });
                }
            }
            progress(err, "db " + db + " done", true);
        }
        return differences;
    }

    private int index(String shard) {
        return rules.map().shards().stream().filter(s -> s.name().equals(shard)).findFirst().orElseThrow().index();
    }

    /**
     * The master's keys on their shards, under the shard's name for them: same type, value and TTL,
     * or absent when a value rule drops them; adds what differs to {@code differences}.
     */
    private void check(int db, List<byte[]> keys, List<CompareReport.Difference> differences) throws IOException {
        final Map<String, List<byte[]>> byShard = new LinkedHashMap<>();
        for (byte[] key : keys) {
            final int owner = rules.owner(key);
            if (owner < 0) {
                continue; // a key no shard takes (drop rules, unclaimed drop): the shard scans find it if a shard holds it
            }
            final String shard = rules.map().shards().get(owner).name();
            if (!targets.containsKey(shard)) {
                notCompared++;
                continue;
            }
            byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(key);
        }
        for (Map.Entry<String, List<byte[]>> e : byShard.entrySet()) {
            final String shard = e.getKey();
            final int index = index(shard);
            final List<byte[]> masterKeys = e.getValue();
            final List<byte[]> shardKeys = new ArrayList<>(masterKeys.size());
            for (byte[] k : masterKeys) {
                shardKeys.add(rules.shardKey(index, k));
            }
            final List<KeyDigest.Reading> m = master.read(db, masterKeys);
            final CompareTarget target = targets.get(shard);
            final List<KeyDigest.Reading> t = target.holds(db) ? target.read(db, shardKeys) : null;
            final byte[][] strings = stringValues(db, masterKeys, m);
            for (int i = 0; i < masterKeys.size(); i++) {
                compared++;
                final KeyDigest.Reading mi = m.get(i);
                final String dropped = rules.dropped(mi.type(), strings[i]);
                final String what;
                if (t == null) {
                    what = mi.exists() && dropped == null ? "not on its shard: a cluster has only db 0" : null;
                } else if (dropped != null) {
                    what = t.get(i).exists() ? "on its shard (a " + t.get(i).type() + ") but the config drops it (" + dropped + ")" : null;
                } else {
                    what = difference(mi, t.get(i));
                }
                if (what != null) {
                    differences.add(new CompareReport.Difference(db, shard, masterKeys.get(i), shardKeys.get(i), what));
                }
            }
        }
    }
    /** The master's string values where a drop value=/larger-than= rule must judge them (else nulls). */
    private byte[][] stringValues(int db, List<byte[]> keys, List<KeyDigest.Reading> readings) throws IOException {
        final byte[][] values = new byte[keys.size()][];
        if (!rules.judgesStrings()) {
            return values;
        }
        final List<Integer> at = new ArrayList<>();
        final List<byte[]> strings = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (readings.get(i).type().equals("string")) {
                at.add(i);
                strings.add(keys.get(i));
            }
        }
        if (!strings.isEmpty()) {
            final List<byte[]> read = master.strings(db, strings);
            for (int j = 0; j < at.size(); j++) {
                values[at.get(j)] = read.get(j);
            }
        }
        return values;
    }

    private String difference(KeyDigest.Reading m, KeyDigest.Reading t) {
        if (!m.type().equals(t.type())) {
            return !t.exists() ? "missing on its shard (master has a " + m.type() + ")"
                : !m.exists() ? "on its shard (a " + t.type() + ") but not on the master" : "type " + t.type() + " on its shard, " + m.type() + " on the master";
        }
        if (!m.digest().equals(t.digest())) {
            return m.type() + " value differs";
        }
        if ((m.pttl() < 0) != (t.pttl() < 0) || Math.abs(m.pttl() - t.pttl()) > ttlTolerance) {
            return "TTL " + t.pttl() + " ms on its shard, " + m.pttl() + " ms on the master";
        }
        return null;
    }

    /**
     * A shard's keys: each the name on that shard of a master key it owns (else misplaced), and on
     * the master (else read both, to say how they differ).
     */
    private void placement(int db, String shard, List<byte[]> keys, List<CompareReport.Difference> differences) throws IOException {
        final int index = index(shard);
        final List<byte[]> shardKeys = new ArrayList<>();
        final List<byte[]> candidates = new ArrayList<>();
        final List<Integer> firstCandidate = new ArrayList<>();
        for (byte[] key : keys) {
            if (bookkeeping(shard, key)) {
                continue;
            }
            final List<byte[]> from = rules.masterKeys(index, key);
            if (from.isEmpty()) {
                final int owner = rules.owner(key);
                differences.add(new CompareReport.Difference(db, shard, key, key, "on shard " + shard + " but " + (rules.renames(index)
                    ? "no key it owns is renamed to it" : "owned by " + (owner < 0 ? "no shard" : rules.map().shards().get(owner).name()))));
            } else {
                shardKeys.add(key);
                firstCandidate.add(candidates.size());
                candidates.addAll(from);
            }
        }
        if (shardKeys.isEmpty()) {
            return;
        }
        firstCandidate.add(candidates.size());
        final boolean[] onMaster = master.exist(db, candidates); // the values are compared in the master's own scan
        final List<byte[]> gone = new ArrayList<>();
        for (int i = 0; i < shardKeys.size(); i++) {
            boolean found = false;
            for (int c = firstCandidate.get(i); c < firstCandidate.get(i + 1); c++) {
                found |= onMaster[c];
            }
            if (!found) {
                gone.add(candidates.get(firstCandidate.get(i)));
            }
        }
        if (!gone.isEmpty()) {
            check(db, gone, differences); // gone from the master: read both again, to say how they differ
        }
    }

    /** Whether a shard's key is replay's own: its checkpoint (per slot on a cluster: {tag}KEY), :snapshot or :epoch key. */
    private boolean bookkeeping(String shard, byte[] key) {
        String k = new String(key, StandardCharsets.ISO_8859_1);
        if (k.startsWith("{") && k.indexOf('}') > 1) {
            k = k.substring(k.indexOf('}') + 1);
        }
        final String checkpoint = checkpointKeys.getOrDefault(shard, "redis-replica:replay:" + shard);
        return k.equals(checkpoint) || k.equals(checkpoint + ":snapshot") || k.equals(checkpoint + ":epoch");
    }

    private List<CompareReport.Difference> recheck(List<CompareReport.Difference> previous) throws IOException {
        final List<CompareReport.Difference> still = new ArrayList<>();
        for (CompareReport.Difference d : previous) {
            if (d.misplaced()) {
                if (targets.get(d.shard()).exist(d.db(), List.of(d.shardKey()))[0]) {
                    still.add(d);
                }
            } else {
                compared--; // counted once
                check(d.db(), List.of(d.key()), still);
            }
        }
        return still;
    }

    private List<byte[]> sampled(List<byte[]> keys) {
        if (sample >= 1) {
            return keys;
        }
        final List<byte[]> out = new ArrayList<>();
        for (byte[] k : keys) {
            if (sampled(k)) {
                out.add(k);
            }
        }
        return out;
    }

    private boolean sampled(byte[] key) {
        if (sample >= 1) {
            return true;
        }
        long h = Arrays.hashCode(key) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return (h >>> 11) * 0x1.0p-53 < sample;
    }

    private void progress(PrintWriter err, String what, boolean force) {
        if (quiet.on() || (!force && System.nanoTime() - lastProgress < 5_000_000_000L)) {
            return;
        }
        lastProgress = System.nanoTime();
        err.println("compare: " + what + ", " + compared + " keys compared");
        err.flush();
    }
}
